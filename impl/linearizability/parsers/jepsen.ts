/**
 * Parser for Jepsen log files of a compare-and-set register test (Jepsen's etcd test), one
 * operation event per line:
 *
 *   INFO  jepsen.util - <process> :<type> :<f> <value>
 *
 * with fields separated by tabs or runs of spaces. `type` is `invoke`, `ok`, `fail` or `info`;
 * `f` is `read`, `write` or `cas`; `value` is `nil`, an integer, a string, `[from to]` for a cas,
 * or `:timed-out`. Meaning of the completions:
 * - `:ok` closes the process's open operation with the observed value;
 * - `:fail :cas` closes a cas that did not swap (output false, checked against the model);
 * - `:fail :read` and `:fail :write` close an operation that did not take effect (dropped);
 * - `:info` (indeterminate) leaves the output unknown, so the operation may take effect at any
 *   point after its call, or never.
 * Operations still open at the end of the file are pending. Lines of other loggers (for example
 * `jepsen.core`) and nemesis events are skipped. Time is the line number.
 */
import { parseEDNString } from 'edn-data';
import { UNKNOWN, type Operation } from '../../../models/model';
import type { CasRegisterInput, CasRegisterOutput } from '../../../models/cas-register';
import type { Scalar } from '../../../models/values';
import { HistoryError } from '../errors';
import type { ParsedHistory } from './types';

const LOG_LINE = /^(?:.*?\s)?(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\s+([\w.$-]+)\s+-\s(.*)$/;
const EVENT = /^(\S+)\s+:(invoke|ok|fail|info)\s+:(\S+)(?:\s+(.*?))?\s*$/;

type CasOperation = Operation<CasRegisterInput, CasRegisterOutput>;

interface OpenCall {
  op: CasOperation;
  f: string;
}

/**
 * Parses a Jepsen cas-register log.
 *
 * @param text - the file's contents
 * @param file - the file's name, used in error messages
 * @throws HistoryError naming the file, line and what was expected, for a malformed line, a
 *   completion with no matching invocation, an unknown operation, or an empty file.
 */
export function parseJepsenLog(text: string, file = '<input>'): ParsedHistory<CasRegisterInput, CasRegisterOutput> {
  try {
    return parseLines(text, file);
  } catch (error) {
    throw asTruncation(error, text);
  }
}

/**
 * Re-raises an error on the last line of a file that does not end with a newline as `truncated`
 * when that line looks cut off: it stops inside the log prefix, or inside an operation name
 * (`:re` for `:read`). A cut-off write leaves exactly such a line.
 */
function asTruncation(error: unknown, text: string): unknown {
  if (!(error instanceof HistoryError) || error.line === undefined || error.code === 'truncated' || text.endsWith('\n')) return error;
  const lines = text.split(/\r?\n/);
  if (error.line !== lines.length) return error;
  const last = lines[lines.length - 1]!;
  const partialName = /\s:([a-z-]*)$/.exec(last)?.[1];
  const cutInName = partialName !== undefined && ['read', 'write', 'cas', 'invoke', 'ok', 'fail', 'info'].some((name) => name.startsWith(partialName) && name !== partialName);
  const cutInPrefix = 'INFO  jepsen.util - '.startsWith(last) && last.length > 0;
  if (!cutInName && !cutInPrefix) return error;
  return new HistoryError('truncated', `the file ends in the middle of this line, which is cut off: '${last}'`, error.file, error.line);
}

function parseLines(text: string, file: string): ParsedHistory<CasRegisterInput, CasRegisterOutput> {
  const lines = text.split(/\r?\n/);
  const operations: CasOperation[] = [];
  const openByProcess = new Map<string, OpenCall>();
  let skipped = 0;
  let events = 0;

  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const raw = lines[index]!;
    if (raw.trim() === '') continue;

    const log = LOG_LINE.exec(raw);
    if (log === null) {
      throw new HistoryError('malformed-line', `expected a Jepsen log line 'INFO  jepsen.util - <process> :<type> :<f> <value>', got '${clip(raw)}'`, file, lineNumber);
    }
    if (log[2] !== 'jepsen.util') {
      skipped++;
      continue;
    }
    const event = EVENT.exec(log[3]!.trim());
    if (event === null) {
      throw new HistoryError(lineLooksCut(log[3]!) ? 'truncated' : 'malformed-line', `expected '<process> :<type> :<f> <value>' after 'jepsen.util - ', got '${clip(log[3]!)}'`, file, lineNumber);
    }
    const [, process, type, f, valueText] = event as unknown as [string, string, string, string, string | undefined];
    if (process.startsWith(':')) {
      // Nemesis and other non-client processes do not operate on the register.
      skipped++;
      continue;
    }
    if (f !== 'read' && f !== 'write' && f !== 'cas') {
      throw new HistoryError('unknown-operation', `unknown operation ':${f}'; a cas-register log has :read, :write and :cas`, file, lineNumber);
    }
    const value = parseValue(valueText ?? '', file, lineNumber);
    events++;

    if (type === 'invoke') {
      const pending = openByProcess.get(process);
      if (pending !== undefined) {
        throw new HistoryError(
          'invalid-history',
          `process ${process} invokes :${f} while its :${pending.f} from line ${pending.op.line} has no completion; ` +
            'each process must complete (:ok, :fail or :info) before it invokes again',
          file,
          lineNumber,
        );
      }
      const op: CasOperation = { id: operations.length, client: process, input: toInput(f, value, file, lineNumber), call: lineNumber, output: UNKNOWN, return: null, line: lineNumber };
      operations.push(op);
      openByProcess.set(process, { op, f });
      continue;
    }

    const open = openByProcess.get(process);
    if (open === undefined) {
      throw new HistoryError('unmatched-return', `:${type} :${f} for process ${process} has no matching :invoke; every completion must follow an invocation by the same process`, file, lineNumber);
    }
    if (open.f !== f) {
      throw new HistoryError('unmatched-return', `:${type} :${f} for process ${process} completes an invocation of :${open.f} (line ${open.op.line}); the operation names must match`, file, lineNumber);
    }
    openByProcess.delete(process);

    if (type === 'info') {
      // Indeterminate: the output stays unknown, so the operation may take effect at any point
      // after its call, even after this line. The line only ends the process's wait.
      open.op.return = lineNumber;
      continue;
    }
    if (type === 'fail') {
      if (f === 'cas') {
        open.op.output = false;
        open.op.return = lineNumber;
      } else if (f === 'read') {
        // A failed read observed nothing and changed nothing.
        open.op.return = lineNumber;
      } else {
        open.op.return = lineNumber;
        (open.op as { dropped?: boolean }).dropped = true;
      }
      continue;
    }
    // :ok
    open.op.return = lineNumber;
    if (f === 'read') {
      if (!isScalarValue(value)) throw new HistoryError('malformed-line', `:ok :read must carry the value read (nil, a number or a string), got '${valueText ?? ''}'`, file, lineNumber);
      open.op.output = value;
    } else if (f === 'cas') {
      open.op.output = true;
    } else {
      open.op.output = null;
    }
  }

  if (events === 0) {
    throw new HistoryError(
      'empty-file',
      lines.some((l) => l.trim() !== '') ? 'the file contains no jepsen.util operation events' : 'the file is empty; expected Jepsen log lines such as \'INFO  jepsen.util - 0 :invoke :read nil\'',
      file,
      lines.length,
    );
  }

  // Drop operations that definitely did not happen, then renumber ids densely.
  const kept = operations.filter((op) => !(op as { dropped?: boolean }).dropped);
  const history = kept.map((op, id) => {
    const { dropped: _dropped, ...rest } = op as CasOperation & { dropped?: boolean };
    return { ...rest, id };
  });
  return { history, model: 'cas-register', format: 'jepsen', skippedLines: skipped };
}

function toInput(f: string, value: unknown, file: string, line: number): CasRegisterInput {
  if (f === 'read') return { f: 'read' };
  if (f === 'write') {
    if (!isScalarValue(value)) throw new HistoryError('malformed-line', `:invoke :write must carry the value to write (a number or a string), got ${describe(value)}`, file, line);
    return { f: 'write', value };
  }
  if (!Array.isArray(value) || value.length !== 2 || !isScalarValue(value[0]) || !isScalarValue(value[1])) {
    throw new HistoryError('malformed-line', `:invoke :cas must carry [from to], got ${describe(value)}`, file, line);
  }
  return { f: 'cas', from: value[0], to: value[1] };
}

function parseValue(text: string, file: string, line: number): unknown {
  const trimmed = text.trim();
  if (trimmed === '') throw new HistoryError('truncated', 'the event has no value; write nil when there is none', file, line);
  if (trimmed === ':timed-out') return TIMED_OUT;
  if (/^-?\d+$/.test(trimmed)) return Number(trimmed);
  if (trimmed === 'nil') return null;
  let parsed: unknown;
  try {
    parsed = parseEDNString(trimmed, { mapAs: 'object', keywordAs: 'string', listAs: 'array' });
  } catch (error) {
    throw new HistoryError('malformed-line', `cannot read the value '${clip(trimmed)}': ${(error as Error).message}`, file, line);
  }
  if (parsed === null) throw new HistoryError('truncated', `cannot read the value '${clip(trimmed)}': it is truncated or malformed`, file, line);
  return parsed;
}

const TIMED_OUT = Symbol('timed-out');

function isScalarValue(value: unknown): value is Scalar {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function describe(value: unknown): string {
  if (value === TIMED_OUT) return ':timed-out';
  return JSON.stringify(value) ?? String(value);
}

/** Returns true when an event text stops after its type or operation name, as a cut-off line does. */
function lineLooksCut(text: string): boolean {
  return /^\S+(\s+:\S*)?\s*$/.test(text.trim());
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
