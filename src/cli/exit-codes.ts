// The exit codes scripts can rely on (README "Exit codes").
export const EXIT = {
  ok: 0,
  /** bad flags, a bad SQL statement, an unknown report */
  usage: 1,
  /** an input could not be read */
  unreadable: 2,
  /** nothing in an input could be parsed: the format is not what we think */
  noMatch: 3,
} as const;

/** An error that knows its exit code; commands throw it and main prints the message. */
export class CliError extends Error {
  constructor(message: string, public exitCode: number = EXIT.usage) {
    super(message);
  }
}
