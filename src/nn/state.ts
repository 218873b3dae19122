// Saving and loading a module's state dict as safetensors.
import { saveSafetensors, loadSafetensors, dispose } from '../engine/index.js';
import { StateDictError, type Module } from './module.js';

export async function saveWeights(
  module: Module,
  path: string,
  metadata: Record<string, string> = {},
): Promise<void> {
  await saveSafetensors(path, module.stateDict(), { format: 'pt', ...metadata });
}

/** Loads weights saved by saveWeights (or PyTorch's safetensors) into module. */
export async function loadWeights(
  module: Module,
  path: string,
  options: { strict?: boolean; skip?: (name: string) => boolean } = {},
): Promise<{ missing: string[]; unexpected: string[]; metadata: Record<string, string> }> {
  const { tensors, metadata } = await loadSafetensors(path);
  try {
    const selected = options.skip
      ? Object.fromEntries(Object.entries(tensors).filter(([name]) => !options.skip!(name)))
      : tensors;
    return { ...module.loadStateDict(selected, { strict: options.strict ?? true }), metadata };
  } catch (error) {
    if (error instanceof StateDictError)
      throw new StateDictError(`${path} does not fit the model: ${error.message}`);
    throw error;
  } finally {
    dispose(tensors);
  }
}
