/**
 * Validation of histories before they are checked.
 */
import { UNKNOWN, type History } from '../../models/model';
import { HistoryError } from './errors';

/**
 * Checks that a history is well formed: unique integer ids, finite call times, returns not
 * before calls, pending operations (no return) with unknown output, and no client with two
 * overlapping operations.
 *
 * @throws HistoryError naming the operation (and its source line when known) and the fix.
 */
export function validateHistory<I, O>(history: History<I, O>, file?: string): void {
  const ids = new Set<number>();
  const where = (line: number | undefined) => (line === undefined ? '' : ` (line ${line})`);

  for (const op of history) {
    if (!Number.isInteger(op.id) || op.id < 0) {
      throw new HistoryError('invalid-history', `operation id must be a non-negative integer, got ${String(op.id)}${where(op.line)}`, file, op.line);
    }
    if (ids.has(op.id)) throw new HistoryError('invalid-history', `operation id ${op.id} appears twice${where(op.line)}; give every operation its own id`, file, op.line);
    ids.add(op.id);
    if (!Number.isFinite(op.call)) {
      throw new HistoryError('invalid-history', `operation ${op.id}${where(op.line)} has call time ${String(op.call)}; call times must be finite numbers`, file, op.line);
    }
    if (op.return !== null) {
      if (!Number.isFinite(op.return)) {
        throw new HistoryError('invalid-history', `operation ${op.id}${where(op.line)} has return time ${String(op.return)}; use null for an operation that never returned`, file, op.line);
      }
      if (op.return < op.call) {
        throw new HistoryError('invalid-history', `operation ${op.id}${where(op.line)} returns at ${op.return}, before its call at ${op.call}; swap or fix the times`, file, op.line);
      }
    } else if (op.output !== UNKNOWN) {
      throw new HistoryError('invalid-history', `operation ${op.id}${where(op.line)} never returned but has an output; a pending operation's output must be unknown`, file, op.line);
    }
  }

  // A client issues one operation at a time: its operations' intervals must not overlap.
  const byClient = new Map<string, { call: number; end: number; id: number; line: number | undefined }[]>();
  for (const op of history) {
    const list = byClient.get(op.client) ?? [];
    list.push({ call: op.call, end: op.return ?? Infinity, id: op.id, line: op.line });
    byClient.set(op.client, list);
  }
  for (const [client, list] of byClient) {
    list.sort((a, b) => a.call - b.call);
    for (let i = 1; i < list.length; i++) {
      const before = list[i - 1]!;
      const after = list[i]!;
      if (after.call <= before.end) {
        const what = before.end === Infinity ? 'which never returned' : `which returns at ${before.end}`;
        throw new HistoryError(
          'invalid-history',
          `client ${client} calls operation ${after.id}${where(after.line)} at ${after.call} while its operation ${before.id}${where(before.line)}, ${what}, is still open; ` +
            'a client must wait for a response, so give concurrent operations distinct clients',
          file,
          after.line,
        );
      }
    }
  }
}
