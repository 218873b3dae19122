// Unpacking the archives of the registry. tar comes from the system (Debian's tar is an essential
// package, present on every install); zip members are read in-process (unzip.ts).
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DataError } from '../errors.js';
import type { UnpackStep } from './registry.js';
import { extractZipMember, listZip } from './unzip.js';

async function untar(archive: string, intoDir: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('tar', ['-xf', archive, '-C', intoDir, '--no-same-owner'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new DataError('the tar program is needed to unpack the archive: install it (apt-get install tar)')
          : error,
      ),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(
            new DataError(`tar could not unpack ${archive}: ${stderr.trim()}: delete it and fetch again`),
          ),
    );
  });
}

/** Runs the unpack steps in `workDir`, starting from `archive`; later steps read the earlier step's output. */
export async function unpack(archive: string, steps: readonly UnpackStep[], workDir: string): Promise<void> {
  let current = archive;
  for (const step of steps) {
    if (step.kind === 'zip-member') {
      const members = await listZip(current);
      const member = members.find((m) => basename(m.name) === step.name && !m.name.startsWith('__MACOSX/'));
      if (!member) {
        throw new DataError(
          `${current} has no member ${step.name} (it has ${members.length} others): the archive changed; report it`,
        );
      }
      const out = join(workDir, step.name);
      await extractZipMember(current, member, out);
      if (current !== archive) await rm(current, { force: true });
      current = out;
    } else {
      await untar(current, workDir);
      if (current !== archive) await rm(current, { force: true });
    }
  }
}
