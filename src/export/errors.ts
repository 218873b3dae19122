import { UserInputError } from '../util/errors.js';

/** A model or option the exporter cannot handle; the message names the layer or option and the fix. */
export class ExportError extends UserInputError {
  override name = 'ExportError';
}
