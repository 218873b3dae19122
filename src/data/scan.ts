// Finding images on disk: class folders, image files, and the clear errors for folders that are
// missing or empty (the usual mistakes when pointing a tool at a data set).
import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { DataError } from './errors.js';

/** Extensions read as images (decided by sharp, but only these are picked up from folders). */
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.bmp', '.gif', '.webp', '.tif', '.tiff']);

export function isImageFile(name: string): boolean {
  return !name.startsWith('.') && IMAGE_EXTENSIONS.has(extname(name).toLowerCase());
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export async function requireDirectory(path: string, what: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new DataError(
      `${what} ${path} does not exist: check the path (or use 'synthetic-pcb' for built-in data)`,
    );
  }
  if (!info.isDirectory())
    throw new DataError(`${what} ${path} is not a directory: pass the folder that holds the class folders`);
}

/**
 * Sub-directories, sorted by code point like Keras (so label indices match Keras' alphanumeric order).
 * A link to a folder counts as one (data sets are often assembled from links); a link to a folder that
 * contains `dir` (itself or an ancestor) would make the data set contain itself, and is an error.
 */
export async function listSubdirectories(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter(
    (entry) => !entry.name.startsWith('.'),
  );
  const real = await realpath(dir);
  const folders = await Promise.all(
    entries.map(async (entry) => {
      if (entry.isDirectory()) return true;
      if (!entry.isSymbolicLink() || !(await isDirectory(join(dir, entry.name)))) return false;
      const target = await realpath(join(dir, entry.name));
      if (isWithin(real, target)) {
        throw new DataError(
          `${join(dir, entry.name)} is a link to ${target}, which contains ${dir}: the data would contain ` +
            `itself; point the link at a folder outside it or remove it`,
        );
      }
      return true;
    }),
  );
  return entries
    .filter((_, i) => folders[i])
    .map((entry) => entry.name)
    .sort(compareNames);
}

/** Whether `path` is `folder` or inside it (both real paths). */
function isWithin(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !rel.startsWith(sep));
}

/**
 * Image files directly inside `dir` (Keras also looks only one level deep per class), sorted. Every
 * entry named like an image that is not a folder (after following links) is listed, also a FIFO, a
 * device or a broken link: decoding refuses those without opening them for a blocking read
 * (image-file.ts), so they are named as unreadable instead of silently left out or hanging a reader.
 */
async function listImages(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const named = entries.filter((entry) => isImageFile(entry.name) && !entry.isDirectory());
  const linkedFolder = await Promise.all(
    named.map((entry) => entry.isSymbolicLink() && isDirectory(join(dir, entry.name))),
  );
  return named
    .filter((_, i) => !linkedFolder[i])
    .map((entry) => join(dir, entry.name))
    .sort(compareNames);
}

export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Reads class folders under `dir`: class names (sorted) and the image paths of each. */
export async function scanClassFolders(
  dir: string,
  options: { exclude?: readonly string[]; what?: string } = {},
): Promise<{ classNames: string[]; filesByClass: string[][] }> {
  const what = options.what ?? 'data folder';
  await requireDirectory(dir, what);
  const excluded = new Set(options.exclude ?? []);
  const classNames = (await listSubdirectories(dir)).filter((name) => !excluded.has(name));
  if (classNames.length === 0) {
    throw new DataError(
      `${what} ${dir} has no class folders: put each class's images in its own sub-folder (${join(dir, 'cat', 'img1.jpg')})`,
    );
  }
  const filesByClass = await Promise.all(classNames.map((name) => listImages(join(dir, name))));
  const empty = classNames.filter((_, i) => filesByClass[i].length === 0);
  if (empty.length > 0) {
    throw new DataError(
      `${what} ${dir}: class folder${empty.length > 1 ? 's' : ''} ${empty.map((n) => `'${n}'`).join(', ')} ` +
        `contain${empty.length > 1 ? '' : 's'} no images (${[...IMAGE_EXTENSIONS].join(' ')}): ` +
        `add images or remove the folder`,
    );
  }
  return { classNames, filesByClass };
}
