/**
 * Format detection and the completions the round trip never writes: each case reads a small
 * file with `--format auto` and compares the parsed operations with the ones the file describes.
 */
import { describe } from 'vitest';
import { UNKNOWN, type History } from '../../models/model';
import { caseInvariant } from '../../harness/testing/invariant';
import { parseHistory, type ParsedHistory } from '../../impl/linearizability/parsers/index';
import { formatJepsenLog, formatPorcupineKv } from '../../impl/linearizability/parsers/write';

/** A parser as these cases see it: text and optional model name in, format detected. */
type AutoParser = (text: string, model?: string) => ParsedHistory;

const realParser: AutoParser = (text, model) => parseHistory(text, '<generated>', 'auto', model).parsed;

/** Broken variant: reads every `:info` completion as `:fail`, as the round trip's control does. */
const infoAsFail: AutoParser = (text, model) => realParser(text.replace(/:info/g, ':fail'), model);

interface FormatCase {
  name: string;
  text: string;
  model?: string;
  /** Expected format, model and skipped lines. */
  format: ParsedHistory['format'];
  implied: string;
  skipped: number;
  /** Expected operations as `client:input=output@call-return`, `?` for unknown output. */
  operations: string[];
}

const J = 'INFO  jepsen.util - ';
const kv = (process: number | string, type: string, f: string, value: string) => `{:process ${process}, :type :${type}, :f :${f}, :key "k", :value ${value}}`;

const cases: FormatCase[] = [
  {
    name: 'jepsen with other loggers, nemesis, failed read and write, timeout',
    text: [
      'INFO  jepsen.core   - starting',
      `${J}:nemesis\t:info\t:start\tnil`,
      `${J}0\t:invoke\t:read\tnil`,
      `${J}1\t:invoke\t:write\t3`,
      `${J}0\t:fail\t:read\tnil`,
      `${J}1\t:fail\t:write\t3`,
      `${J}2\t:invoke\t:cas\t[1 "a"]`,
      `${J}2\t:info\t:cas\t:timed-out`,
    ].join('\r\n'),
    format: 'jepsen',
    implied: 'cas-register',
    skipped: 2,
    operations: ['0:{"f":"read"}=?@3-5', '2:{"f":"cas","from":1,"to":"a"}=?@7-8'],
  },
  {
    name: 'jepsen checked with the XState model',
    text: `  \n\n${J}0\t:invoke\t:write\t1\n${J}0\t:ok\t:write\t1\n`,
    model: 'cas-register-xstate',
    format: 'jepsen',
    implied: 'cas-register',
    skipped: 0,
    operations: ['0:{"f":"write","value":1}=null@3-4'],
  },
  {
    name: 'kv with spaced maps, failed put, nil read, named process',
    text: [`{ :process 0, :type :invoke, :f :put, :key "k", :value "x"}`, kv(0, 'fail', 'put', '"x"'), kv('"p"', 'invoke', 'get', 'nil'), kv('"p"', 'ok', 'get', 'nil'), kv(1, 'invoke', 'append', '"y"'), kv(1, 'info', 'append', '"y"')].join('\n'),
    model: 'kv-unpartitioned',
    format: 'porcupine-kv',
    implied: 'kv',
    skipped: 0,
    operations: ['p:{"f":"get","key":"k"}=""@3-4', '1:{"f":"append","key":"k","value":"y"}=?@5-6'],
  },
  {
    name: 'json array with numeric clients and explicit ids',
    text: '  [{"id": 7, "client": 3, "call": 0, "return": 2, "input": {"f": "enqueue", "value": "v"}, "output": null},\n {"client": 4, "call": 1, "return": null, "input": {"f": "dequeue"}}]',
    model: 'queue',
    format: 'json',
    implied: 'queue',
    skipped: 0,
    operations: ['3:{"f":"enqueue","value":"v"}=null@0-2', '4:{"f":"dequeue"}=?@1-null'],
  },
  {
    name: 'json set history with every operation',
    text: JSON.stringify({
      model: 'set',
      operations: [
        { client: 'a', call: 0, return: 1, input: { f: 'add', value: 2 }, output: true },
        { client: 'a', call: 2, return: 3, input: { f: 'remove', value: 2 }, output: true },
        { client: 'a', call: 4, return: 5, input: { f: 'contains', value: null }, output: false },
        { client: 'a', call: 6, return: 7, input: { f: 'read' }, output: [null, 1, 'z'] },
      ],
    }),
    format: 'json',
    implied: 'set',
    skipped: 0,
    operations: ['a:{"f":"add","value":2}=true@0-1', 'a:{"f":"remove","value":2}=true@2-3', 'a:{"f":"contains","value":null}=false@4-5', 'a:{"f":"read"}=[null,1,"z"]@6-7'],
  },
  {
    name: 'json register write with a nested model line',
    text: '{\n  "operations": [{"client": "a", "call": 0, "return": 1, "input": {"f": "write", "value": "s"}, "output": null}],\n  "model": "register"\n}',
    format: 'json',
    implied: 'register',
    skipped: 0,
    operations: ['a:{"f":"write","value":"s"}=null@0-1'],
  },
];

/** Writer cases: histories whose written form must keep calls before completions at equal times. */
const tiedJepsen: History<any, any> = [
  { id: 0, client: 'a', call: 0, return: 2, input: { f: 'write', value: 1 }, output: null },
  { id: 1, client: 'b', call: 2, return: 3, input: { f: 'read' }, output: 0 },
  { id: 2, client: 'c', call: 2, return: 3, input: { f: 'read' }, output: 1 },
  { id: 3, client: 'd', call: 2, return: 4, input: { f: 'read' }, output: null },
];
const nilGet: History<any, any> = [
  { id: 0, client: '0', call: 0, return: 1, input: { f: 'get', key: 'k' }, output: null },
  { id: 1, client: 'w', call: 0, return: 1, input: { f: 'get', key: 'k' }, output: UNKNOWN },
];

function describeOperations(history: History<unknown, unknown>): string[] {
  return history.map((op) => `${op.client}:${JSON.stringify(op.input)}=${op.output === UNKNOWN ? '?' : JSON.stringify(op.output)}@${op.call}-${op.return}`);
}

describe('history formats, detected', () => {
  caseInvariant<AutoParser>({
    id: 'linearizability/parse-roundtrip',
    subject: realParser,
    controls: [{ name: 'parser that reads :info as :fail', subject: infoAsFail }],
    check: (parse) => {
      const failures: string[] = [];
      for (const c of cases) {
        const parsed = parse(c.text, c.model);
        const got = { format: parsed.format, model: parsed.model, skipped: parsed.skippedLines, operations: describeOperations(parsed.history) };
        const expected = { format: c.format, model: c.implied, skipped: c.skipped, operations: c.operations };
        if (JSON.stringify(got) !== JSON.stringify(expected)) failures.push(`${c.name}: got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
        if (c.format !== 'json' && parsed.history.some((op, index) => op.id !== index)) failures.push(`${c.name}: ids are not renumbered densely`);
      }

      // Calls written before completions at equal times, clients in history order.
      const jepsen = describeOperations(parse(formatJepsenLog(tiedJepsen)).history);
      const jepsenExpected = ['a:{"f":"write","value":1}=null@1-5', 'b:{"f":"read"}=0@2-6', 'c:{"f":"read"}=1@3-7', 'd:{"f":"read"}=null@4-8'];
      if (JSON.stringify(jepsen) !== JSON.stringify(jepsenExpected)) failures.push(`tied jepsen times: got ${JSON.stringify(jepsen)}`);
      const kvText = formatPorcupineKv(nilGet);
      const kvParsed = describeOperations(parse(kvText).history);
      const kvExpected = ['0:{"f":"get","key":"k"}=""@1-3', 'w:{"f":"get","key":"k"}=?@2-4'];
      if (JSON.stringify(kvParsed) !== JSON.stringify(kvExpected)) failures.push(`nil get written as "": got ${JSON.stringify(kvParsed)} from ${kvText}`);
      return { runs: cases.length + 2, failures };
    },
  });
});
