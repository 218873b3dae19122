// Checking that an output folder (--out) can be written before any work starts, and saying why not.
// Node's recursive mkdir reports a read-only mount as ENOENT, and spins forever at 100% CPU where the
// kernel answers mkdir with ENOENT although the parent exists (/proc/self/x). So the nearest existing
// ancestor is found by hand and a probe folder is made in it, without `recursive`: the kernel's own
// answer (EROFS, ENOSPC, EACCES, …) becomes a sentence naming the path.
import { randomBytes } from 'node:crypto';
import { mkdir, rmdir, stat, statfs } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UserInputError } from './errors.js';

/**
 * Throws a UserInputError unless `dir` exists as a writable folder or can be created: its nearest
 * existing ancestor must be a folder in which a folder can be made, on a device with free space.
 * `option` names the flag in the message ("--out").
 */
export async function requireWritableDirectory(dir: string, option: string): Promise<void> {
  const fail = (problem: string) =>
    new UserInputError(`${option} ${dir}: ${problem}; choose another ${option}`);
  const base = await nearestExisting(resolve(dir)).catch((error: unknown) => {
    throw fail(explain(error, dirname(resolve(dir))));
  });
  if (!(await stat(base)).isDirectory()) throw fail(`${base} is a file, not a folder`);
  const probe = join(base, `.pareto-edge-write-test-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(probe);
  } catch (error) {
    throw fail(explain(error, base));
  }
  await rmdir(probe);
  if ((await statfs(base)).bavail === 0) throw fail(`no space left on the device of ${base}`);
}

/** `path` or its nearest ancestor that exists (following links). */
async function nearestExisting(path: string): Promise<string> {
  for (let current = path; ; current = dirname(current)) {
    try {
      await stat(current);
      return current;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: a file stands where a folder should be; going up finds it.
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(current) === current) throw error;
    }
  }
}

function explain(error: unknown, base: string): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EROFS':
      return `${base} is on a read-only file system`;
    case 'ENOSPC':
      return `no space left on the device of ${base}`;
    case 'EDQUOT':
      return `the disk quota is used up on ${base}`;
    case 'EACCES':
    case 'EPERM':
      return `no permission to write in ${base}`;
    case 'ENOENT':
      // The kernel refuses a folder in a parent that exists: a virtual file system such as /proc.
      return `${base} cannot hold folders (a virtual file system such as /proc or /sys)`;
    default:
      return `a folder cannot be made in ${base} (${(error as Error).message})`;
  }
}
