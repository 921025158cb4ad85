/**
 * Properties of the history parsers: round trips through every format, and named errors with
 * the right line for malformed input.
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { UNKNOWN, type History, type Operation } from '../../models/model';
import { casRegisterModel } from '../../models/cas-register';
import { kvModel } from '../../models/kv';
import { casRegisterObject, concurrentHistory, kvObject } from '../../harness/arbitraries/histories';
import { caseInvariant, propertyInvariant } from '../../harness/testing/invariant';
import { check } from '../../impl/linearizability/checker';
import { HistoryError, type HistoryErrorCode } from '../../impl/linearizability/errors';
import { parseHistory, type HistoryFormat, type ParsedHistory } from '../../impl/linearizability/parsers/index';
import { formatJepsenLog, formatJsonHistory, formatPorcupineKv } from '../../impl/linearizability/parsers/write';

/** A parser as the properties see it. */
type Parser = (text: string, format: HistoryFormat, model?: string) => ParsedHistory;

const realParser: Parser = (text, format, model) => parseHistory(text, '<generated>', format, model).parsed;

/** Broken variant: reads every `:info` completion as `:fail`, losing indeterminate operations. */
const infoAsFail: Parser = (text, format, model) => realParser(text.replace(/:info/g, ':fail'), format, model);

/** Broken variant: skips lines it cannot read instead of rejecting the file. */
const skipsUnreadableLines: Parser = (text, format, model) => {
  let current = text;
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      return realParser(current, format, model);
    } catch (error) {
      if (!(error instanceof HistoryError) || error.line === undefined) throw error;
      const lines = current.split('\n');
      if (lines.length <= 1) return { history: [], model: model ?? 'cas-register', format, skippedLines: 1 };
      lines.splice(error.line - 1, 1);
      current = lines.join('\n');
    }
  }
  throw new Error('gave up skipping lines');
};

/** Operations in call order, with times replaced by their rank, for comparing across formats. */
function normalize<I, O>(history: History<I, O>): string {
  const times = [...new Set(history.flatMap((op) => [op.call, ...(op.return === null ? [] : [op.return])]))].sort((a, b) => a - b);
  const rank = new Map(times.map((t, i) => [t, i]));
  return JSON.stringify(
    [...history]
      .sort((a, b) => a.call - b.call)
      .map((op: Operation<I, O>) => ({
        client: op.client,
        input: op.input,
        output: op.output === UNKNOWN ? '?' : op.output,
        call: rank.get(op.call),
        // Only whether an unknown-outcome operation returned matters, not when.
        return: op.return === null ? null : op.output === UNKNOWN ? 'some' : rank.get(op.return),
      })),
  );
}

describe('history formats', () => {
  propertyInvariant<Parser>({
    id: 'linearizability/parse-roundtrip',
    subject: realParser,
    controls: [{ name: 'parser that reads :info as :fail', subject: infoAsFail }],
    numRuns: { quick: 300, full: 3000 },
    property: (parse) =>
      fc.property(
        concurrentHistory(casRegisterObject, { corruptionRate: 0.2, unknownWeight: 2 }),
        concurrentHistory(kvObject, { corruptionRate: 0.2, unknownWeight: 2 }),
        (cas, kv) => {
          const cases: [string, HistoryFormat, string, History<any, any>, typeof casRegisterModel | typeof kvModel][] = [
            [formatJepsenLog(cas), 'jepsen', 'cas-register', cas, casRegisterModel],
            [formatJsonHistory('cas-register', cas), 'json', 'cas-register', cas, casRegisterModel],
            [formatPorcupineKv(kv), 'porcupine-kv', 'kv', kv, kvModel],
            [formatJsonHistory('kv', kv), 'json', 'kv', kv, kvModel],
          ];
          for (const [text, format, modelName, original, model] of cases) {
            const parsed = parse(text, format, modelName).history;
            if (normalize(parsed) !== normalize(original)) return false;
            if (check(model as never, parsed as never).result !== check(model as never, original as never).result) return false;
          }
          return true;
        },
      ),
  });

  interface MalformedCase {
    name: string;
    format: HistoryFormat;
    model?: string;
    text: string;
    code: HistoryErrorCode;
    line: number;
  }
  const J = 'INFO  jepsen.util - ';
  const K = (process: number, type: string, f: string, value: string) => `{:process ${process}, :type :${type}, :f :${f}, :key "k", :value ${value}}`;
  const cases: MalformedCase[] = [
    { name: 'jepsen line cut after the type', format: 'jepsen', text: `${J}0\t:invoke\t:read\tnil\n${J}0\t:ok\t:read\tnil\n${J}1\t:invoke`, code: 'truncated', line: 3 },
    { name: 'jepsen operation name cut at the end of the file', format: 'jepsen', text: `${J}0\t:invoke\t:read\tnil\n${J}0\t:ok\t:re`, code: 'truncated', line: 2 },
    { name: 'jepsen cas value cut', format: 'jepsen', text: `${J}0\t:invoke\t:write\t1\n${J}0\t:ok\t:write\t1\n${J}1\t:invoke\t:cas\t[1`, code: 'truncated', line: 3 },
    { name: 'jepsen completion without invocation', format: 'jepsen', text: `${J}0\t:invoke\t:read\tnil\n${J}0\t:ok\t:read\tnil\n${J}2\t:ok\t:read\t3`, code: 'unmatched-return', line: 3 },
    { name: 'jepsen unknown operation', format: 'jepsen', text: `${J}0\t:invoke\t:read\tnil\n${J}1\t:invoke\t:increment\t1`, code: 'unknown-operation', line: 2 },
    { name: 'jepsen empty file', format: 'jepsen', text: '\n\n', code: 'empty-file', line: 3 },
    { name: 'jepsen line of another shape', format: 'jepsen', text: `${J}0\t:invoke\t:read\tnil\nnot a log line`, code: 'malformed-line', line: 2 },
    { name: 'kv map cut', format: 'porcupine-kv', text: `${K(0, 'invoke', 'get', 'nil')}\n${K(0, 'ok', 'get', '""')}\n{:process 1, :type :invoke, :f :get`, code: 'truncated', line: 3 },
    { name: 'kv completion without invocation', format: 'porcupine-kv', text: `${K(0, 'invoke', 'put', '"x"')}\n${K(1, 'ok', 'put', '"x"')}`, code: 'unmatched-return', line: 2 },
    { name: 'kv unknown operation', format: 'porcupine-kv', text: `${K(0, 'invoke', 'get', 'nil')}\n${K(0, 'ok', 'get', '""')}\n${K(1, 'invoke', 'delete', 'nil')}`, code: 'unknown-operation', line: 3 },
    { name: 'kv empty file', format: 'porcupine-kv', text: '', code: 'empty-file', line: 1 },
    { name: 'json cut', format: 'json', model: 'register', text: '{\n  "operations": [\n    {"client": "a", "call": 0, "return": 1, "input": {"f": "read"}, "output": null},\n    {"client": "b", "call": 2', code: 'truncated', line: 4 },
    { name: 'json unknown operation', format: 'json', model: 'register', text: '{\n  "operations": [\n    {"client": "a", "call": 0, "return": 1, "input": {"f": "read"}, "output": null},\n    {"client": "b", "call": 2, "return": 3, "input": {"f": "increment"}}\n  ]\n}', code: 'unknown-operation', line: 4 },
    { name: 'json empty file', format: 'json', model: 'register', text: '  \n', code: 'empty-file', line: 1 },
    { name: 'json operation without return', format: 'json', model: 'register', text: '{\n  "operations": [\n    {"client": "a", "call": 0, "input": {"f": "read"}}\n  ]\n}', code: 'malformed-line', line: 3 },
  ];

  caseInvariant<Parser>({
    id: 'linearizability/malformed-input-rejected',
    subject: realParser,
    controls: [{ name: 'parser that skips unreadable lines', subject: skipsUnreadableLines }],
    check: (parse) => {
      const failures: string[] = [];
      for (const c of cases) {
        try {
          const parsed = parse(c.text, c.format, c.model);
          failures.push(`${c.name}: parsed ${parsed.history.length} operations instead of raising ${c.code}`);
        } catch (error) {
          if (!(error instanceof HistoryError)) failures.push(`${c.name}: raised ${(error as Error).name} instead of HistoryError: ${(error as Error).message}`);
          else if (error.code !== c.code || error.line !== c.line) failures.push(`${c.name}: raised ${error.code} at line ${error.line}, expected ${c.code} at line ${c.line}: ${error.message}`);
        }
      }
      return { runs: cases.length, failures };
    },
  });
});
