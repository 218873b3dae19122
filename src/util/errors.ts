// The one base class of the mistakes a user can fix: a wrong option, a missing folder, an unknown
// model. Every layer's own error class for these extends it, so the CLI (and any library caller)
// can tell them from bugs by one `instanceof`.

/** A mistake in the user's input. The message names the problem and the fix; the CLI shows it alone. */
export class UserInputError extends Error {
  override name = 'UserInputError';
}
