// What an .onnx file says about itself (its metadata and input), to check it against a run before
// evaluating it there.
import { readFile } from 'node:fs/promises';
import { ExportError } from './errors.js';
import { decodeModel } from './onnx-proto.js';

export interface OnnxInfo {
  bytes: Uint8Array;
  classes: string[] | null;
  /** [channels, height, width] of the input, when the file gives them. */
  inputShape: number[];
  metadata: Record<string, string>;
}

interface DecodedModel {
  graph?: { input?: { type?: { tensorType?: { shape?: { dim?: { dimValue?: number }[] } } } }[] };
  metadataProps?: { key: string; value: string }[];
}

export async function readOnnxFile(file: string): Promise<OnnxInfo> {
  let bytes: Uint8Array;
  let decoded: DecodedModel;
  try {
    bytes = await readFile(file);
    decoded = decodeModel(bytes) as DecodedModel;
  } catch (error) {
    throw new ExportError(
      `${file} is not a readable ONNX model (${(error as Error).message}): pass a file written by pareto-edge export`,
    );
  }
  const metadata = Object.fromEntries((decoded.metadataProps ?? []).map((p) => [p.key, p.value]));
  const dims = decoded.graph?.input?.[0]?.type?.tensorType?.shape?.dim ?? [];
  return {
    bytes,
    classes: metadata.classes ? (JSON.parse(metadata.classes) as string[]) : null,
    inputShape: dims.slice(1).map((d) => d.dimValue ?? 0),
    metadata,
  };
}
