// A training request that cannot be carried out as asked (unknown model, missing data, a run
// directory holding another run...). The message names the problem and the fix; nothing was written.
import { UserInputError } from '../util/errors.js';

export class TrainInputError extends UserInputError {
  override name = 'TrainInputError';
}
