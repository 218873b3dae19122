// End-of-epoch checkpoints: model weights and buffers, optimizer state, the random generator's state
// and the run's progress, in ONE safetensors file written with temp + rename — so a run killed at any
// moment (SIGKILL included) finds either the previous complete checkpoint or the new one, never a mix.
import { access } from 'node:fs/promises';
import {
  saveSafetensors,
  loadSafetensors,
  getRngState,
  setRngState,
  dispose,
  type Optimizer,
  type Tensor,
} from '../engine/index.js';
import type { Module } from '../nn/index.js';
import type { EpochRecord } from '../measure/index.js';
import { checkCheckpoint } from './checkpoint-check.js';

export interface Progress {
  /** Epochs completed (the next epoch to run, 0-based). */
  epochsDone: number;
  history: EpochRecord[];
  /** Early-stopping bookkeeping. */
  best: { value: number; epoch: number } | null;
  stopped: boolean;
}

const MODEL = 'model/';
const OPTIMIZER = 'optimizer/';
const RNG = 'rng_state';

export async function saveCheckpoint(
  path: string,
  model: Module,
  optimizer: Optimizer,
  progress: Progress,
): Promise<void> {
  const rng = getRngState();
  const tensors: Record<string, Tensor> = { [RNG]: rng };
  for (const [name, t] of Object.entries(model.stateDict())) tensors[MODEL + name] = t;
  const optimizerState = optimizer.stateDict();
  for (const [name, t] of Object.entries(optimizerState.buffers)) tensors[OPTIMIZER + name] = t;
  try {
    await saveSafetensors(path, tensors, {
      format: 'pt',
      progress: JSON.stringify(progress),
      optimizer_step: String(optimizerState.step),
    });
  } finally {
    rng.dispose();
  }
}

export async function checkpointExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Restores model, optimizer and generator state; returns the run's progress. The checkpoint is checked
 * whole first (checkCheckpoint): a corrupt or foreign one is a TrainInputError naming the file and the
 * field, and nothing is loaded.
 */
export async function loadCheckpoint(path: string, model: Module, optimizer: Optimizer): Promise<Progress> {
  const { tensors, metadata } = await loadSafetensors(path);
  const rngState = getRngState();
  try {
    const checked = checkCheckpoint(
      path,
      tensors,
      metadata,
      { model, optimizer, rngState },
      { model: MODEL, optimizer: OPTIMIZER, rng: RNG },
    );
    model.loadStateDict(checked.model);
    optimizer.loadStateDict({ step: checked.optimizerStep, buffers: checked.optimizerBuffers });
    setRngState(checked.rng);
    return checked.progress as Progress;
  } finally {
    rngState.dispose();
    dispose(tensors);
  }
}
