// The one error type the core throws. Its message is a sentence a user can act on; `code`
// says what kind of failure it is for programs ('bad-input': a file, a flag, an option, a
// checkpoint; 'failed': everything else), `exitCode` what the CLI exits with (2 and 1).
// The CLI catches it in one place (src/cli/main.ts) and prints `✗ message`.

export type ErrorCode = 'bad-input' | 'failed';

export class RnnlmError extends Error {
  readonly exitCode: number;
  readonly code: ErrorCode;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'RnnlmError';
    this.exitCode = exitCode;
    this.code = exitCode === 2 ? 'bad-input' : 'failed';
  }
}

/** Bad input from the user (a file, a flag, a checkpoint): exit code 2. */
export function inputError(message: string): RnnlmError {
  return new RnnlmError(message, 2);
}
