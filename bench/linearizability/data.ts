/**
 * Histories the linearizability runs use: the recorded ones from the data folder, or histories
 * the suite records itself by running its models under random concurrency.
 */
import { basename } from 'node:path';
import type { AnyModel, History } from '../../models/model';
import { casRegisterModel } from '../../models/cas-register';
import { kvModel } from '../../models/kv';
import type { KvInput } from '../../models/kv';
import { dataPath } from '../../harness/data';
import type { RunContext } from '../../harness/runner';
import { casRegisterObject, kvObjectWithKeys } from '../../harness/arbitraries/histories';
import { recordHistory } from '../../harness/arbitraries/record';
import { readHistoryFile } from '../../impl/linearizability/parsers/index';
import { listRecordedHistories } from '../../impl/linearizability/recorded';

/** A history to check, with what the run knows about its verdict. */
export interface HistoryCase {
  name: string;
  collection: string;
  model: AnyModel;
  history: History<unknown, unknown>;
  expected: 'linearizable' | 'not-linearizable';
}

/** Where a set of cases came from, for the report. */
export interface CaseSet {
  cases: HistoryCase[];
  data: string;
  recorded: boolean;
}

/** Loads every recorded history, or records a generated set when there is no data folder. */
export function loadCases(context: RunContext): CaseSet {
  const dir = dataPath(context.data, 'histories');
  if (dir !== null) {
    const cases = listRecordedHistories(dir).map((entry) => {
      const { parsed, model } = readHistoryFile(entry.path);
      return { name: entry.name, collection: entry.collection, model, history: parsed.history, expected: entry.expected };
    });
    return { cases, data: `recorded: ${dir} (${cases.length} files with EXPECTED.txt verdicts)`, recorded: true };
  }
  return { cases: generatedCases(context), data: 'generated: cas-register and key-value histories recorded by the suite from its models (no data folder set)', recorded: false };
}

/**
 * Records cas-register histories shaped like the Jepsen etcd logs (about 80 operations, 5 clients,
 * some timeouts) and key-value histories like Porcupine's (10 clients, 10 keys). Half of each get
 * one read of a value no one wrote, which makes them certainly not linearizable.
 */
export function generatedCases(context: RunContext): HistoryCase[] {
  const rng = context.rng('linearizability/generated-histories');
  const cases: HistoryCase[] = [];
  for (let i = 0; i < 20; i++) {
    const corrupt = i % 2 === 1;
    const history = recordHistory(casRegisterObject, rng.fork(`cas-${i}`), { clients: 5, operations: 80, unknownRate: 0.15, corruptGets: corrupt ? 1 : 0 });
    cases.push({ name: `generated/cas-${String(i).padStart(3, '0')}`, collection: 'generated-cas', model: casRegisterModel, history, expected: corrupt ? 'not-linearizable' : 'linearizable' });
  }
  for (let i = 0; i < 4; i++) {
    const corrupt = i % 2 === 1;
    const history = kvHistory(context, `kv-${i}`, 10, 10, 400, corrupt);
    cases.push({ name: `generated/kv-${i}`, collection: 'generated-kv', model: kvModel, history, expected: corrupt ? 'not-linearizable' : 'linearizable' });
  }
  return cases;
}

/**
 * Records a key-value history in the style of Porcupine's data: every put or append writes a
 * unique value (`x <client> <index> y`), so reads pin down the order of writes.
 */
export function kvHistory(context: RunContext, label: string, clients: number, keys: number, operations: number, corrupt: boolean): History<KvInput, unknown> {
  const object = kvObjectWithKeys(keys);
  const rng = context.rng(`linearizability/${label}`);
  return recordHistory(object, rng, {
    clients,
    operations,
    unknownRate: 0.02,
    corruptGets: corrupt ? 1 : 0,
    nextInput: (r, client, index) => {
      const key = String.fromCharCode(97 + r.int(0, keys - 1));
      const kind = r.int(0, 2);
      if (kind === 0) return { f: 'get', key };
      return { f: kind === 1 ? 'put' : 'append', key, value: `x ${client} ${index} y` };
    },
  }) as History<KvInput, unknown>;
}

/** Short display name of a case. */
export function shortName(name: string): string {
  return basename(name);
}
