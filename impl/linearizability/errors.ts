/**
 * Errors for invalid input: a malformed history file or an inconsistent history. The command
 * line turns them into exit code 2 with the message, and never into a verdict.
 */

/** What is wrong with a history, as a stable code for programs; the message is for people. */
export type HistoryErrorCode =
  /** A line does not have the form the format requires. */
  | 'malformed-line'
  /** A line ends before the event it starts is complete (a cut-off file). */
  | 'truncated'
  /** A response (completion) with no matching invocation by the same client. */
  | 'unmatched-return'
  /** An operation name the model or format does not know. */
  | 'unknown-operation'
  /** The file has no operations at all. */
  | 'empty-file'
  /** The file cannot be read (missing, a folder, no permission). */
  | 'unreadable-file'
  /** The operations are individually readable but inconsistent (ids, times, overlaps). */
  | 'invalid-history';

/** A history (from a file or from code) that cannot be checked as given. */
export class HistoryError extends Error {
  override readonly name = 'HistoryError';

  /**
   * @param code - what kind of problem this is
   * @param message - what is wrong, with the value and the fix
   * @param file - file the history was read from, when there is one
   * @param line - 1-based line of the problem in that file, when known
   */
  constructor(
    readonly code: HistoryErrorCode,
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(`${file === undefined ? '' : `${file}${line === undefined ? '' : `:${line}`}: `}${message} [${code}]`);
  }
}
