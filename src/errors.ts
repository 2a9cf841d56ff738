// The one error type the core throws. Its message is a sentence a user can act on;
// `exitCode` is 2 for bad input (files, flags, checkpoints) and 1 for everything else.
// The CLI catches it in one place (src/cli/main.ts) and prints `✗ message`.

export class RnnlmError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'RnnlmError';
    this.exitCode = exitCode;
  }
}

/** Bad input from the user (a file, a flag, a checkpoint): exit code 2. */
export function inputError(message: string): RnnlmError {
  return new RnnlmError(message, 2);
}
