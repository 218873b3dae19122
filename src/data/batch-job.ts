// One unit of loader work: load (cache or decode), augment and rescale the images of one batch into a
// single Float32Array. The same function runs inside worker threads and, with workers: 0, on the
// calling thread, so both paths give identical batches.
import { applyAugmentation, drawAugmentation, writeRescaled, type AugmentConfig } from './augment.js';
import { decodeResized } from './decode.js';
import { DecodeCache } from './decode-cache.js';
import { TimeoutError } from './image-file.js';
import { Rng } from './prng.js';
import type { AspectMode, ImageSize, Layout } from './types.js';

export interface BatchJob {
  paths: string[];
  labels: number[];
  /** Position of each image in its split. */
  indices: number[];
  /** Augmentation seed per image (ignored without augmentation). */
  seeds: number[];
  size: ImageSize;
  aspect: AspectMode;
  layout: Layout;
  augment: AugmentConfig | null;
  cacheDir: string | null;
}

export interface BatchJobResult {
  /** Only the images that loaded, packed in order. */
  images: Float32Array;
  labels: Int32Array;
  indices: Int32Array;
  failures: { path: string; label: number; reason: string }[];
}

export async function runBatchJob(job: BatchJob): Promise<BatchJobResult> {
  const { height, width } = job.size;
  const pixels = height * width * 3;
  const cache = job.cacheDir ? new DecodeCache(job.cacheDir) : null;
  const loaded = await Promise.all(job.paths.map((path) => loadPixels(path, job, cache)));

  const ok = loaded.filter((x): x is Uint8Array => x instanceof Uint8Array).length;
  const images = new Float32Array(ok * pixels);
  const labels = new Int32Array(ok);
  const indices = new Int32Array(ok);
  const failures: BatchJobResult['failures'] = [];
  const work = job.augment ? new Float32Array(pixels) : null;
  const scratch = job.augment ? new Float32Array(pixels) : null;
  let slot = 0;
  loaded.forEach((result, i) => {
    if (!(result instanceof Uint8Array)) {
      failures.push({ path: job.paths[i], label: job.labels[i], reason: result.reason });
      return;
    }
    let image: Uint8Array | Float32Array = result;
    if (job.augment && work && scratch) {
      work.set(result);
      const draw = drawAugmentation(new Rng(job.seeds[i]), job.augment, height, width);
      image = applyAugmentation(work, scratch, height, width, draw);
    }
    writeRescaled(image, images, slot, height, width, job.layout);
    labels[slot] = job.labels[i];
    indices[slot] = job.indices[i];
    slot++;
  });
  return { images, labels, indices, failures };
}

/** Cached pixels if present, else decode (and fill the cache). Failures are values, never throws. */
async function loadPixels(
  path: string,
  job: BatchJob,
  cache: DecodeCache | null,
): Promise<Uint8Array | { reason: string }> {
  const bytes = job.size.height * job.size.width * 3;
  const key = cache ? await cache.keyFor(path, job.size, job.aspect) : null;
  if (cache && key) {
    const hit = await cache.read(key, bytes);
    if (hit) return hit;
    const failure = await cache.readFailure(key);
    if (failure !== null) return { reason: failure };
  }
  try {
    const { data } = await decodeResized(path, job.size, job.aspect);
    if (cache && key) await cache.write(key, data).catch(() => undefined);
    return data;
  } catch (error) {
    const reason = (error as Error).message || String(error);
    // A timeout may be a stalled disk rather than a bad file: try it again next epoch.
    if (cache && key && !(error instanceof TimeoutError))
      await cache.writeFailure(key, reason).catch(() => undefined);
    return { reason };
  }
}
