/**
 * What an error means, for whoever catches it (the CLI maps meanings to exit codes in one place,
 * `cli/context.ts`): the input is wrong and must be changed, or a known condition stopped the work
 * and the message says what to do. Anything else is a failure with a stack trace in the log.
 */

/** A known condition whose message says what to do (printed as one line, no stack). */
export class ExplainedError extends Error {}

/** The input given — a file, an argument, a setting — is not what is allowed. */
export class InputError extends ExplainedError {}

/** Something the input names does not exist (a capture, a job, an e-mail of the outbox). */
export class NotFoundError extends InputError {}
