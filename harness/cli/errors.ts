/**
 * Errors that end the command line with a given exit code.
 */

/** Bad usage or bad input: the command line prints the message and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Wraps a parse function so that its errors become {@link UsageError}s for commander options. */
export function usageParser<T>(parse: (raw: string) => T): (raw: string) => T {
  return (raw) => {
    try {
      return parse(raw);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  };
}
