// The images a user names on the command line: files as given, folders searched for image files
// (sub-folders too, links followed, each real folder once so a link loop ends), and globs ('*', '**',
// '?', '[...]') matched here so a quoted pattern works without a shell.
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { DataError } from './errors.js';
import { compareNames, isImageFile } from './scan.js';

const GLOB_CHARS = /[*?[]/;

/** Every image path the arguments name, in argument order, each once; a name matching nothing is an error. */
export async function expandImagePaths(args: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const arg of args) {
    const paths = GLOB_CHARS.test(arg) ? await matchGlob(arg) : await imagesAt(resolve(arg));
    if (paths.length === 0) {
      throw new DataError(
        GLOB_CHARS.test(arg)
          ? `${arg} matches no image file: check the pattern`
          : `${arg} holds no image files (.jpg .png .bmp .gif .webp .tif): pass image files or a folder of them`,
      );
    }
    found.push(...paths);
  }
  return [...new Set(found)];
}

/** A file itself (whatever its name: a bad one is reported when read), or a folder's images. */
async function imagesAt(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => null);
  if (info === null) throw new DataError(`${path} does not exist: check the path`);
  return info.isDirectory() ? (await filesUnder(path)).filter((file) => isImageFile(basename(file))) : [path];
}

/** Files under `dir`, sorted, without hidden names; links followed, each real folder read once. */
async function filesUnder(dir: string, seen = new Set<string>()): Promise<string[]> {
  const real = await realpath(dir);
  if (seen.has(real)) return [];
  seen.add(real);
  const files: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => compareNames(a.name, b.name))) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    const isFolder =
      entry.isDirectory() || (entry.isSymbolicLink() && (await stat(path).catch(() => null))?.isDirectory());
    if (isFolder) files.push(...(await filesUnder(path, seen)));
    else files.push(path);
  }
  return files;
}

/** Files matching a glob: the folders before its first wildcard are searched, the rest is matched. */
async function matchGlob(pattern: string): Promise<string[]> {
  const absolute = resolve(pattern);
  const parts = absolute.split(sep);
  const firstGlob = parts.findIndex((part) => GLOB_CHARS.test(part));
  const base = parts.slice(0, firstGlob).join(sep) || sep;
  const info = await stat(base).catch(() => null);
  if (!info?.isDirectory()) return [];
  const regex = globRegExp(absolute);
  return (await filesUnder(base)).filter((path) => regex.test(path));
}

/** '**' any folders, '*' and '?' within one name, '[...]' a character class. */
export function globRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === sep;
      source += slash ? `(?:[^${sep}]+${sep})*` : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') source += `[^${sep}]*`;
    else if (c === '?') source += `[^${sep}]`;
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
