// Models as the paper prints them, and one fixed order (the paper's tables: optimized model,
// Xception, then the lightweight models) so every table row and every plot colour is the same for a
// model. Names and rows come from the zoo's model info.
import { listModels } from '../zoo/registry.js';

/** The model the paper compares everything against. */
export const DEFAULT_BASELINE = 'xception';

const PAPER_ORDER = listModels()
  .filter((m) => m.paperTableRow !== undefined)
  .sort((a, b) => a.paperTableRow! - b.paperTableRow!)
  .map((m) => m.name);

/** The paper's models in its order first, then the rest alphabetically. */
export function compareModels(a: string, b: string): number {
  const rank = (model: string): number =>
    PAPER_ORDER.includes(model) ? PAPER_ORDER.indexOf(model) : PAPER_ORDER.length;
  return rank(a) - rank(b) || a.localeCompare(b);
}
