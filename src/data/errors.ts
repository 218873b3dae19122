// Data errors are the user's to fix (a wrong folder, a missing class, no network): the message
// names the problem and the fix.
import { UserInputError } from '../util/errors.js';

export class DataError extends UserInputError {
  override name = 'DataError';
}
