// A problem with what the user pointed the report at (missing directory, no finished runs, an unknown
// objective). The CLI shows these as usage errors; library callers can catch them by class.
import { UserInputError } from '../util/errors.js';

export class ReportInputError extends UserInputError {
  override name = 'ReportInputError';
}
