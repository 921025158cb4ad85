/**
 * Malformed and inconsistent history files, one case per guard of the parsers, the model decoders
 * and the history validation: each must raise a HistoryError with its code and line, and a
 * message that quotes the offending value and gives the fix.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import { registerModel } from '../../models/register';
import { caseInvariant } from '../../harness/testing/invariant';
import { check } from '../../impl/linearizability/checker';
import { HistoryError, type HistoryErrorCode } from '../../impl/linearizability/errors';
import { parseHistory, parseJepsenLog, parseJsonHistory, parsePorcupineKv, readHistoryFile, type HistoryFormat, type ParsedHistory } from '../../impl/linearizability/parsers/index';

/** A parser as these cases see it: text, format (or `auto`) and model name in, history out. */
type Parser = (text: string, format: HistoryFormat | 'auto', model?: string) => ParsedHistory;

const FILE = '<generated>';

const realParser: Parser = (text, format, model) => parseHistory(text, FILE, format, model).parsed;

/** Broken variant: drops the line an error points at and parses the rest. */
const dropsBadLines: Parser = (text, format, model) => {
  let current = text;
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      return realParser(current, format, model);
    } catch (error) {
      if (!(error instanceof HistoryError) || error.line === undefined) throw error;
      const lines = current.split('\n');
      lines.splice(error.line - 1, 1);
      current = lines.join('\n');
    }
  }
  return { history: [], model: model ?? 'register', format: format === 'auto' ? 'json' : format, skippedLines: 0 };
};

interface ErrorCase {
  name: string;
  /** Runs the parser (or another entry point) on the bad input. */
  run: (parse: Parser) => unknown;
  code: HistoryErrorCode;
  /** Line the error must name, or undefined when the problem has no single line. */
  line: number | undefined;
  /** File the message must start with: FILE unless the case reads elsewhere, null for none. */
  file?: string | null;
  /** Text the message must start with when it names no file. */
  starts?: string;
  /** Fragments the message must contain: the offending value and the fix. */
  mentions: string[];
}

/** A Jepsen log line with tab-separated fields. */
const jepsen = (fields: string) => `INFO  jepsen.util - ${fields.split(' ').join('\t')}`;
/** A Porcupine key-value event. */
const kv = (process: number, type: string, f: string, key: string, value: string) => `{:process ${process}, :type :${type}, :f :${f}, :key "${key}", :value ${value}}`;
/** A JSON history for `model` (or none) with the given operation objects, one per line. */
const json = (model: string | null, ...operations: string[]) =>
  `{\n${model === null ? '' : `  "model": ${JSON.stringify(model)},\n`}  "operations": [\n${operations.map((op) => `    ${op}`).join(',\n')}\n  ]\n}`;
const READ = '{"client": "a", "call": 0, "return": 1, "input": {"f": "read"}, "output": null}';
const LONG = 'x'.repeat(100);
/** An empty folder, to read as if it were a history file. */
const TEMP_FOLDER = mkdtempSync(join(tmpdir(), 'paperproof-errors-'));

const cases: ErrorCase[] = [
  // Format detection and model choice.
  { name: 'auto: blank file', run: (p) => p(' \n\t\n', 'auto'), code: 'empty-file', line: 1, mentions: ['the file is empty', 'a Jepsen log, a Porcupine key-value history or a JSON history'] },
  { name: 'auto: unknown first line', run: (p) => p('\n  hello\n', 'auto'), code: 'malformed-line', line: 1, mentions: ['cannot tell the format', '--format jepsen, porcupine-kv or json'] },
  { name: 'auto: Jepsen lines after an unknown first line', run: (p) => p(`hello\n${jepsen('0 :invoke :read nil')}`, 'auto'), code: 'malformed-line', line: 1, mentions: ['cannot tell the format'] },
  { name: 'auto: JSON without a model', run: (p) => p(`[${READ}]`, 'auto'), code: 'invalid-history', line: undefined, mentions: ['names no "model"', '--model NAME'] },
  { name: 'jepsen log checked as kv', run: (p) => p(jepsen('0 :invoke :read nil'), 'jepsen', 'kv'), code: 'invalid-history', line: undefined, mentions: ["model 'cas-register', not 'kv'", '--model cas-register'] },
  { name: 'kv history checked as register', run: (p) => p(kv(0, 'invoke', 'get', 'k', 'nil'), 'porcupine-kv', 'register'), code: 'invalid-history', line: undefined, mentions: ["model 'kv', not 'register'", '--model kv'] },
  { name: 'auto: spaced kv map checked as register', run: (p) => p(`{ ${kv(0, 'invoke', 'get', 'k', 'nil').slice(1)}`, 'auto', 'register'), code: 'invalid-history', line: undefined, mentions: ["a porcupine-kv history is checked with model 'kv', not 'register'"] },
  { name: 'kv history checked as cas-register', run: (p) => p(kv(0, 'invoke', 'get', 'k', 'nil'), 'porcupine-kv', 'cas-register'), code: 'invalid-history', line: undefined, mentions: ["not 'cas-register'"] },
  { name: 'missing file', run: () => readHistoryFile(join(tmpdir(), 'paperproof-no-such-history.json')), code: 'unreadable-file', line: undefined, file: join(tmpdir(), 'paperproof-no-such-history.json'), mentions: ['file not found; check the path'] },
  { name: 'folder instead of a file', run: () => readHistoryFile(TEMP_FOLDER), code: 'unreadable-file', line: undefined, file: TEMP_FOLDER, mentions: ['cannot read the file (EISDIR)'] },

  // Jepsen logs.
  { name: 'jepsen: second invocation while open', run: (p) => p(`${jepsen('0 :invoke :read nil')}\n${jepsen('0 :invoke :write 1')}`, 'jepsen'), code: 'invalid-history', line: 2, mentions: ['process 0 invokes :write', ':read from line 1', 'must complete (:ok, :fail or :info) before it invokes again'] },
  { name: 'jepsen: completion of another operation', run: (p) => p(`${jepsen('0 :invoke :read nil')}\n${jepsen('0 :ok :write 1')}\n`, 'jepsen'), code: 'unmatched-return', line: 2, mentions: [':ok :write for process 0 completes an invocation of :read (line 1)', 'names must match'] },
  { name: 'jepsen: read of a vector', run: (p) => p(`${jepsen('0 :invoke :read nil')}\n${jepsen('0 :ok :read')}\t[1 2]\n`, 'jepsen'), code: 'malformed-line', line: 2, mentions: ["got '[1 2]'", 'nil, a number or a string'] },
  { name: 'jepsen: write of a vector', run: (p) => p(`${jepsen('0 :invoke :write [1 2]')}\n`, 'jepsen'), code: 'malformed-line', line: 1, mentions: [':invoke :write must carry the value to write', 'got [1,2]'] },
  { name: 'jepsen: write of :timed-out', run: (p) => p(`${jepsen('0 :invoke :write :timed-out')}\n`, 'jepsen'), code: 'malformed-line', line: 1, mentions: ['got :timed-out'] },
  { name: 'jepsen: cas of a number', run: (p) => p(`${jepsen('0 :invoke :cas 3')}\n`, 'jepsen'), code: 'malformed-line', line: 1, mentions: [':invoke :cas must carry [from to], got 3'] },
  { name: 'jepsen: value missing mid-file', run: (p) => p(`${jepsen('0 :invoke :read')}\n${jepsen('1 :invoke :read nil')}\n`, 'jepsen'), code: 'truncated', line: 1, mentions: ['the event has no value; write nil when there is none'] },
  { name: 'jepsen: unreadable value', run: (p) => p(`${jepsen('0 :invoke :write ]')}\n`, 'jepsen'), code: 'malformed-line', line: 1, mentions: ["cannot read the value ']'"] },
  { name: 'jepsen: only other loggers', run: (p) => p('INFO  jepsen.core - starting the test\n', 'jepsen'), code: 'empty-file', line: 2, mentions: ['the file contains no jepsen.util operation events'] },
  { name: 'jepsen: long line of another shape', run: (p) => p(`${jepsen('0 :invoke :read nil')}\n${LONG}\n`, 'jepsen'), code: 'malformed-line', line: 2, mentions: [`got '${'x'.repeat(77)}...'`] },
  { name: 'jepsen: event of another shape', run: (p) => p(`${jepsen('0 :invoke :read nil')}\nINFO  jepsen.util - 0 invoke read nil\n`, 'jepsen'), code: 'malformed-line', line: 2, mentions: ["expected '<process> :<type> :<f> <value>' after 'jepsen.util - ', got '0 invoke read nil'"] },
  { name: 'jepsen: file name defaults to <input>', run: () => parseJepsenLog('\n'), code: 'empty-file', line: 2, file: '<input>', mentions: ["such as 'INFO  jepsen.util - 0 :invoke :read nil'"] },

  // Porcupine key-value histories.
  { name: 'kv: second invocation while open', run: (p) => p(`${kv(0, 'invoke', 'get', 'k', 'nil')}\n${kv(0, 'invoke', 'put', 'k', '"x"')}`, 'porcupine-kv'), code: 'invalid-history', line: 2, mentions: ['process 0 invokes :put while its :get from line 1 has no completion', 'must complete before it invokes again'] },
  { name: 'kv: completion on another key', run: (p) => p(`${kv(0, 'invoke', 'get', 'k', 'nil')}\n${kv(0, 'ok', 'get', 'j', '""')}`, 'porcupine-kv'), code: 'unmatched-return', line: 2, mentions: [':ok :get on key "j" for process 0 completes :get on key "k" (line 1)', 'the operation and key must match'] },
  { name: 'kv: get of a number', run: (p) => p(`${kv(0, 'invoke', 'get', 'k', 'nil')}\n${kv(0, 'ok', 'get', 'k', '5')}`, 'porcupine-kv'), code: 'malformed-line', line: 2, mentions: [':ok :get must carry the value read as a string (or nil), got 5'] },
  { name: 'kv: line that is no map', run: (p) => p(`${kv(0, 'invoke', 'get', 'k', 'nil')}\n${LONG}`, 'porcupine-kv'), code: 'malformed-line', line: 2, mentions: [`expected an EDN map such as {:process 0, :type :invoke, :f :get, :key "k", :value nil}, got '${'x'.repeat(77)}...'`] },
  { name: 'kv: unreadable map', run: (p) => p('{]]}', 'porcupine-kv'), code: 'malformed-line', line: 1, mentions: ["cannot read the EDN map '{]]}'"] },
  { name: 'kv: map that reads as a list', run: (p) => p('{:a ]}', 'porcupine-kv'), code: 'truncated', line: 1, mentions: ["cannot read the EDN map '{:a ]}': it is truncated or malformed"] },
  { name: 'kv: map without a key', run: (p) => p('{:process 0, :type :invoke, :f :get}', 'porcupine-kv'), code: 'malformed-line', line: 1, mentions: ['the map has no :key', 'expected the keys :process, :type, :f, :key and :value'] },
  { name: 'kv: process of a vector', run: (p) => p('{:process [1], :type :invoke, :f :get, :key "k"}', 'porcupine-kv'), code: 'malformed-line', line: 1, mentions: [':process must be a number or a name, got [1]'] },
  { name: 'kv: unknown type', run: (p) => p('{:process 0, :type :done, :f :get, :key "k"}', 'porcupine-kv'), code: 'malformed-line', line: 1, mentions: [':type must be :invoke, :ok, :fail or :info, got "done"'] },
  { name: 'kv: key of a number', run: (p) => p('{:process 0, :type :invoke, :f :get, :key 5}', 'porcupine-kv'), code: 'malformed-line', line: 1, mentions: [':key must be a string, got 5'] },
  { name: 'kv: put of a number', run: (p) => p('{:process 0, :type :invoke, :f :put, :key "k", :value 5}', 'porcupine-kv'), code: 'malformed-line', line: 1, mentions: [':invoke :put must carry a string :value, got 5'] },
  { name: 'kv: file name defaults to <input>', run: () => parsePorcupineKv('x'), code: 'malformed-line', line: 1, file: '<input>', mentions: ["got 'x'"] },

  // JSON histories and the model decoders.
  { name: 'json: bad syntax inside the file', run: (p) => p('{"operations": [1 2],\n "model": "register"}', 'json', 'register'), code: 'malformed-line', line: 1, mentions: ['invalid JSON (CommaExpected)', 'cut off or hand-edited'] },
  { name: 'json: bad syntax after indentation', run: (p) => p('   [1 2]', 'json', 'register'), code: 'malformed-line', line: 1, mentions: ['invalid JSON (CommaExpected)'] },
  { name: 'json: missing close bracket', run: (p) => p('[\n1,\n2\n', 'json', 'register'), code: 'truncated', line: 4, mentions: ['invalid JSON (CloseBracketExpected)'] },
  { name: 'json: value missing at the end', run: (p) => p(`[${READ},`, 'json', 'register'), code: 'truncated', line: 1, mentions: ['invalid JSON (ValueExpected)'] },
  { name: 'json: string cut at the end', run: (p) => p('{"model": "regis', 'json', 'register'), code: 'truncated', line: 1, mentions: ['invalid JSON (UnexpectedEndOfString)'] },
  { name: 'json: model of a number', run: (p) => p('{\n"model": 5, "operations": []}', 'json', 'register'), code: 'malformed-line', line: 2, mentions: ['"model" must be a string naming a model'] },
  { name: 'json: model that differs', run: (p) => p(json('queue', READ), 'json', 'register'), code: 'invalid-history', line: 2, mentions: ["history for model 'queue'", "checked against 'register'", '--model queue'] },
  { name: 'json: no operations array', run: (p) => p('{\n"ops": []}', 'json', 'register'), code: 'malformed-line', line: 1, mentions: ['expected a JSON object with an "operations" array, or an array of operations'] },
  { name: 'json: no operations', run: (p) => p('{\n  "operations":\n []}', 'json', 'register'), code: 'empty-file', line: 3, mentions: ['the history has no operations'] },
  { name: 'json: model without a decoder', run: () => parseJsonHistory(`[${READ}]`, { ...registerModel, decodeInput: undefined }), code: 'invalid-history', line: undefined, file: '<input>', mentions: ["model 'register' cannot read JSON histories because it has no decodeInput"] },
  { name: 'json: operation of a number', run: (p) => p(json(null, READ, '5'), 'json', 'register'), code: 'malformed-line', line: 4, mentions: ['operation 1: expected an object with client, call, return, input and optionally output'] },
  { name: 'json: client of a boolean', run: (p) => p(json(null, '{"client": true, "call": 0, "return": 1, "input": {"f": "read"}}'), 'json', 'register'), code: 'malformed-line', line: 3, mentions: ['operation 0: "client" must be a string or number, got true'] },
  { name: 'json: call of a string', run: (p) => p(json(null, '{"client": "a", "call": "x", "return": 1, "input": {"f": "read"}}'), 'json', 'register'), code: 'malformed-line', line: 3, mentions: ['"call" must be a number, got "x"'] },
  { name: 'json: return of a string', run: (p) => p(json(null, '{"client": "a", "call": 0, "return": "x", "input": {"f": "read"}}'), 'json', 'register'), code: 'malformed-line', line: 3, mentions: ['"return" must be a number or null, got "x"'] },
  { name: 'json: id of a string', run: (p) => p(json(null, '{"id": "x", "client": "a", "call": 0, "return": 1, "input": {"f": "read"}}'), 'json', 'register'), code: 'malformed-line', line: 3, mentions: ['"id" must be a non-negative integer, got "x"'] },
  { name: 'json: input missing', run: (p) => p(json(null, '{"client": "a", "call": 0, "return": 1}'), 'json', 'register'), code: 'malformed-line', line: 3, mentions: ['operation 0: "input" is missing'] },
  { name: 'json: input of a number', run: (p) => p(json(null, '{"client": "a", "call": 0, "return": 1, "input": 5}'), 'json', 'register'), code: 'malformed-line', line: 3, mentions: ['input must be an object such as {"f": "read"}, got 5'] },
  { name: 'json: write without a value', run: (p) => p(json(null, '{"client": "a", "call": 0, "return": 1, "input": {"f": "write"}}'), 'json', 'register'), code: 'malformed-line', line: 3, mentions: ['"value" of write must be a number, a string or null, got undefined'] },
  { name: 'json: enqueue of an array', run: (p) => p(json(null, '{"client": "a", "call": 0, "return": 1, "input": {"f": "enqueue", "value": [1]}}'), 'json', 'queue'), code: 'malformed-line', line: 3, mentions: ['"value" of enqueue must be a number, a string or null, got [1]'] },
  { name: 'json: put of a number', run: (p) => p(json(null, '{"client": "a", "call": 0, "return": 1, "input": {"f": "put", "key": "k", "value": 5}}'), 'json', 'kv'), code: 'malformed-line', line: 3, mentions: ['"value" of put must be a string, got 5'] },
  { name: 'json: long value clipped', run: (p) => p(json(null, `{"client": "a", "call": 0, "return": 1, "input": {"f": "write", "value": [${'1,'.repeat(40)}1]}}`), 'json', 'register'), code: 'malformed-line', line: 3, mentions: [`got [${'1,'.repeat(28)}...`] },
  { name: 'json: read of an array', run: (p) => p(json(null, '{"client": "a", "call": 0, "return": 1, "input": {"f": "read"}, "output": [1]}'), 'json', 'register'), code: 'malformed-line', line: 3, mentions: ['operation 0: output of read must be a number, a string or null, got [1]'] },
  { name: 'json: dequeue of an object', run: (p) => p(json(null, '{"client": "a", "call": 0, "return": 1, "input": {"f": "dequeue"}, "output": {}}'), 'json', 'queue'), code: 'malformed-line', line: 3, mentions: ['output of dequeue must be a number, a string or null, got {}'] },
  { name: 'json: cas of a number', run: (p) => p(json(null, '{"client": "a", "call": 0, "return": 1, "input": {"f": "cas", "from": 1, "to": 2}, "output": 5}'), 'json', 'cas-register'), code: 'malformed-line', line: 3, mentions: ['output of cas must be true or false, got 5'] },
  { name: 'json: get of a number', run: (p) => p(json(null, '{"client": "a", "call": 0, "return": 1, "input": {"f": "get", "key": "k"}, "output": 5}'), 'json', 'kv'), code: 'malformed-line', line: 3, mentions: ['output of get must be a string or null, got 5'] },
  { name: 'json: set add of a string', run: (p) => p(json(null, '{"client": "a", "call": 0, "return": 1, "input": {"f": "add", "value": 1}, "output": "yes"}'), 'json', 'set'), code: 'malformed-line', line: 3, mentions: ['output of add must be true or false, got "yes"'] },
  { name: 'json: set read of a number', run: (p) => p(json(null, '{"client": "a", "call": 0, "return": 1, "input": {"f": "read"}, "output": 5}'), 'json', 'set'), code: 'malformed-line', line: 3, mentions: ['output of read must be an array of numbers, strings or nulls, got 5'] },
  { name: 'json: set read with an object inside', run: (p) => p(json(null, '{"client": "a", "call": 0, "return": 1, "input": {"f": "read"}, "output": [1, {}]}'), 'json', 'set'), code: 'malformed-line', line: 3, mentions: ['got [1,{}]'] },
  { name: 'json: output of a pending operation', run: (p) => p(json(null, '{"client": "a", "call": 0, "return": null, "input": {"f": "read"}, "output": 1}'), 'json', 'register'), code: 'malformed-line', line: 3, mentions: ['an operation that never returned ("return": null) cannot have an "output"; leave "output" out'] },

  // Histories that parse but are inconsistent: check() validates them and names the line.
  { name: 'history: negative id', run: (p) => checkJson(p, '{"id": -1, "client": "a", "call": 0, "return": 1, "input": {"f": "read"}}'), code: 'invalid-history', file: null, starts: 'operation ', line: 4, mentions: ['operation id must be a non-negative integer, got -1 (line 4)'] },
  { name: 'history: fractional id', run: (p) => checkJson(p, '{"id": 1.5, "client": "a", "call": 0, "return": 1, "input": {"f": "read"}}'), code: 'invalid-history', file: null, starts: 'operation ', line: 4, mentions: ['got 1.5 (line 4)'] },
  { name: 'history: repeated id', run: (p) => checkJson(p, '{"id": 4, "client": "a", "call": 0, "return": 1, "input": {"f": "read"}}', '{"id": 4, "client": "b", "call": 0, "return": 1, "input": {"f": "read"}}'), code: 'invalid-history', file: null, starts: 'operation ', line: 5, mentions: ['operation id 4 appears twice (line 5); give every operation its own id'] },
  { name: 'history: huge call time', run: (p) => checkJson(p, '{"client": "a", "call": 1e999, "return": null, "input": {"f": "read"}}'), code: 'invalid-history', file: null, starts: 'operation ', line: 4, mentions: ['operation 0 (line 4) has call time Infinity; call times must be finite numbers'] },
  { name: 'history: huge return time', run: (p) => checkJson(p, '{"client": "a", "call": 0, "return": 1e999, "input": {"f": "read"}}'), code: 'invalid-history', file: null, starts: 'operation ', line: 4, mentions: ['operation 0 (line 4) has return time Infinity; use null for an operation that never returned'] },
  { name: 'history: return before call', run: (p) => checkJson(p, READ, '{"client": "b", "call": 5, "return": 2, "input": {"f": "read"}}'), code: 'invalid-history', file: null, starts: 'operation ', line: 5, mentions: ['operation 1 (line 5) returns at 2, before its call at 5; swap or fix the times'] },
  { name: 'history: one client, overlapping', run: (p) => checkJson(p, '{"client": "a", "call": 0, "return": 5, "input": {"f": "read"}}', '{"client": "a", "call": 5, "return": 6, "input": {"f": "read"}}'), code: 'invalid-history', file: null, starts: 'client a calls', line: 5, mentions: ['client a calls operation 1 (line 5) at 5 while its operation 0 (line 4), which returns at 5, is still open', 'give concurrent operations distinct clients'] },
  { name: 'history: one client after a pending call', run: (p) => checkJson(p, '{"client": "a", "call": 0, "return": null, "input": {"f": "read"}}', '{"client": "a", "call": 3, "return": 6, "input": {"f": "read"}}'), code: 'invalid-history', file: null, starts: 'client a calls', line: 5, mentions: ['while its operation 0 (line 4), which never returned, is still open'] },
];

/** Parses a JSON register history of `operations` and checks it, so validation errors surface. */
function checkJson(parse: Parser, ...operations: string[]): unknown {
  const parsed = parse(json('register', ...operations), 'json');
  return check(registerModel, parsed.history as never);
}

/** Returns why `error` does not meet the case, or null when it does. */
function mismatch(c: ErrorCase, error: unknown): string | null {
  if (!(error instanceof HistoryError)) return `raised ${(error as Error).name} instead of HistoryError: ${(error as Error).message}`;
  if (error.code !== c.code) return `raised ${error.code}, expected ${c.code}: ${error.message}`;
  if (error.line !== c.line) return `named line ${error.line}, expected ${c.line}: ${error.message}`;
  const file = c.file === undefined ? FILE : c.file;
  let prefix = c.starts ?? '';
  if (file !== null) prefix = c.line === undefined ? `${file}: ` : `${file}:${c.line}: `;
  if (!error.message.startsWith(prefix)) return `message does not start with '${prefix}': ${error.message}`;
  if (!error.message.endsWith(` [${c.code}]`)) return `message does not end with its code: ${error.message}`;
  const missing = c.mentions.filter((text) => !error.message.includes(text));
  if (missing.length > 0) return `message lacks ${missing.map((m) => `'${m}'`).join(', ')}: ${error.message}`;
  return null;
}

describe('history errors', () => {
  afterAll(() => rmSync(TEMP_FOLDER, { recursive: true, force: true }));

  caseInvariant<Parser>({
    id: 'linearizability/malformed-input-rejected',
    subject: realParser,
    controls: [{ name: 'parser that skips unreadable lines', subject: dropsBadLines }],
    check: (parse) => {
      const failures: string[] = [];
      for (const c of cases) {
        try {
          c.run(parse);
          failures.push(`${c.name}: no error, expected ${c.code}`);
        } catch (error) {
          const problem = mismatch(c, error);
          if (problem !== null) failures.push(`${c.name}: ${problem}`);
        }
      }
      return { runs: cases.length, failures };
    },
  });
});
