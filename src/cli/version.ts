import { readFileSync } from 'node:fs';

/** The version in package.json, which sits three folders above the compiled dist/src/cli/. */
export function packageVersion(): string {
  const manifest = new URL('../../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
