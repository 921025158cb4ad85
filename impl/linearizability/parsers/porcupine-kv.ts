/**
 * Parser for key-value histories in the EDN event format of Porcupine's test data, one map per
 * line:
 *
 *   {:process 0, :type :invoke, :f :get, :key "3", :value nil}
 *   {:process 0, :type :ok, :f :get, :key "3", :value "x 0 1 y"}
 *
 * `type` is `invoke`, `ok`, `fail` or `info`; `f` is `get`, `put` or `append`. An `:ok` closes the
 * process's open operation (a get's value is the value read; a missing key reads as ""), a
 * `:fail` drops it (it did not happen), an `:info` leaves its outcome unknown. Operations without
 * a completion at the end of the file are pending. Time is the line number.
 */
import { parseEDNString } from 'edn-data';
import { UNKNOWN, type Operation } from '../../../models/model';
import type { KvInput, KvOutput } from '../../../models/kv';
import { HistoryError } from '../errors';
import type { ParsedHistory } from './types';

type KvOperation = Operation<KvInput, KvOutput> & { dropped?: boolean };

const EXAMPLE = '{:process 0, :type :invoke, :f :get, :key "k", :value nil}';

/**
 * Parses a Porcupine key-value history.
 *
 * @throws HistoryError naming the file and line, for a malformed or truncated line, a completion
 *   with no matching invocation, an unknown operation, or an empty file.
 */
export function parsePorcupineKv(text: string, file = '<input>'): ParsedHistory<KvInput, KvOutput> {
  return parseLines(text, file);
}

function parseLines(text: string, file: string): ParsedHistory<KvInput, KvOutput> {
  const lines = text.split(/\r?\n/);
  const operations: KvOperation[] = [];
  const openByProcess = new Map<string, KvOperation>();

  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const raw = lines[index]!.trim();
    if (raw === '') continue;

    const event = readEvent(raw, file, lineNumber);
    const process = String(event.process);
    const { type, f } = event;

    if (type === 'invoke') {
      const pending = openByProcess.get(process);
      if (pending !== undefined) {
        throw new HistoryError(
          'invalid-history',
          `process ${process} invokes :${f} while its :${pending.input.f} from line ${pending.line} has no completion; each process must complete before it invokes again`,
          file,
          lineNumber,
        );
      }
      const op: KvOperation = { id: operations.length, client: process, input: toInput(f, event.key, event.value, file, lineNumber), call: lineNumber, output: UNKNOWN, return: null, line: lineNumber };
      operations.push(op);
      openByProcess.set(process, op);
      continue;
    }

    const open = openByProcess.get(process);
    if (open === undefined) {
      throw new HistoryError('unmatched-return', `:${type} :${f} for process ${process} has no matching :invoke; every completion must follow an invocation by the same process`, file, lineNumber);
    }
    if (open.input.f !== f || open.input.key !== event.key) {
      throw new HistoryError(
        'unmatched-return',
        `:${type} :${f} on key ${JSON.stringify(event.key)} for process ${process} completes :${open.input.f} on key ${JSON.stringify(open.input.key)} (line ${open.line}); the operation and key must match`,
        file,
        lineNumber,
      );
    }
    openByProcess.delete(process);
    open.return = lineNumber;

    if (type === 'fail') open.dropped = true;
    else if (type === 'ok') {
      if (f === 'get') {
        if (event.value !== null && typeof event.value !== 'string') {
          throw new HistoryError('malformed-line', `:ok :get must carry the value read as a string (or nil), got ${JSON.stringify(event.value)}`, file, lineNumber);
        }
        open.output = event.value ?? '';
      } else {
        open.output = null;
      }
    }
  }

  if (operations.length === 0) throw new HistoryError('empty-file', `the file is empty; expected one EDN map per line such as ${EXAMPLE}`, file, lines.length);

  const history = operations
    .filter((op) => !op.dropped)
    .map((op, id) => {
      const { dropped: _dropped, ...rest } = op;
      return { ...rest, id };
    });
  return { history, model: 'kv', format: 'porcupine-kv', skippedLines: 0 };
}

interface KvEvent {
  process: string | number;
  type: 'invoke' | 'ok' | 'fail' | 'info';
  f: string;
  key: string;
  value: unknown;
}

function readEvent(raw: string, file: string, line: number): KvEvent {
  if (!raw.startsWith('{')) throw new HistoryError('malformed-line', `expected an EDN map such as ${EXAMPLE}, got '${clip(raw)}'`, file, line);
  if (!raw.endsWith('}')) throw new HistoryError('truncated', `the EDN map is not closed with '}': '${clip(raw)}'`, file, line);

  let parsed: unknown;
  try {
    parsed = parseEDNString(raw, { mapAs: 'object', keywordAs: 'string' });
  } catch (error) {
    throw new HistoryError('malformed-line', `cannot read the EDN map '${clip(raw)}': ${(error as Error).message}`, file, line);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new HistoryError('truncated', `cannot read the EDN map '${clip(raw)}': it is truncated or malformed`, file, line);
  }

  const map = parsed as Record<string, unknown>;
  for (const field of ['process', 'type', 'f', 'key']) {
    if (!(field in map)) throw new HistoryError('malformed-line', `the map has no :${field}; expected the keys :process, :type, :f, :key and :value as in ${EXAMPLE}`, file, line);
  }
  const { process, type, f, key, value } = map as { process: unknown; type: unknown; f: unknown; key: unknown; value: unknown };
  if (typeof process !== 'number' && typeof process !== 'string') throw new HistoryError('malformed-line', `:process must be a number or a name, got ${JSON.stringify(process)}`, file, line);
  if (type !== 'invoke' && type !== 'ok' && type !== 'fail' && type !== 'info') {
    throw new HistoryError('malformed-line', `:type must be :invoke, :ok, :fail or :info, got ${JSON.stringify(type)}`, file, line);
  }
  if (f !== 'get' && f !== 'put' && f !== 'append') throw new HistoryError('unknown-operation', `unknown operation :${String(f)}; a key-value history has :get, :put and :append`, file, line);
  if (typeof key !== 'string') throw new HistoryError('malformed-line', `:key must be a string, got ${JSON.stringify(key)}`, file, line);
  return { process, type, f, key, value: value === undefined ? null : value };
}

function toInput(f: string, key: string, value: unknown, file: string, line: number): KvInput {
  if (f === 'get') return { f: 'get', key };
  if (typeof value !== 'string') throw new HistoryError('malformed-line', `:invoke :${f} must carry a string :value, got ${JSON.stringify(value)}`, file, line);
  return f === 'put' ? { f: 'put', key, value } : { f: 'append', key, value };
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
