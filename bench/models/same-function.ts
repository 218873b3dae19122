// The files with which the PyTorch peer shows that its build computes the same function as ours: our
// state dict, an input and our logits for it.
import { writeFileSync } from 'node:fs';
import { dispose, manualSeed, noGrad, randn, saveSafetensors, tidy } from '../../src/engine/index.js';
import { buildModel } from '../../src/models/build.js';
import type { ModelDescription } from '../../src/models/description.js';

/** The description with every Dropout rate 0: a training-mode forward without randomness. */
function withoutDropout<T>(node: T): T {
  if (Array.isArray(node)) return node.map(withoutDropout) as T;
  if (node === null || typeof node !== 'object') return node;
  const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, withoutDropout(v)]));
  return ((copy as { kind?: string }).kind === 'Dropout' ? { ...copy, rate: 0 } : copy) as T;
}

/**
 * Writes the description without dropout to descriptionFile, and our model's state dict, an input
 * and our logits for it to weightsFile: training-mode BatchNorm (batch statistics, so activations stay
 * O(1) with untrained weights), no gradients. Returns our parameter counts.
 */
export async function writeSameFunctionCheck(
  description: ModelDescription,
  descriptionFile: string,
  weightsFile: string,
): Promise<{ parametersOnly: number; keras: number }> {
  const deterministic = withoutDropout(description);
  writeFileSync(descriptionFile, JSON.stringify(deterministic));
  manualSeed(0);
  const model = buildModel(deterministic).train();
  const size = description.input.height;
  const x = randn([4, 3, size, size]);
  const logits = noGrad(() => tidy(() => model.forward(x)));
  try {
    await saveSafetensors(weightsFile, { ...model.stateDict(), __input: x, __logits: logits });
    const counts = model.countParameters();
    return { parametersOnly: counts.parametersOnly, keras: counts.total };
  } finally {
    dispose([x, logits]);
    model.dispose();
  }
}
