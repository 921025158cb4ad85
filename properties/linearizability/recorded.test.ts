/**
 * Recorded histories from real systems (Jepsen's etcd test, Porcupine's key-value data) must get
 * their known verdicts. The files are read from the data folder (PAPERPROOF_DATA); without it the
 * test is reported as skipped, and CI sets PAPERPROOF_REQUIRE_DATA=1 so that it fails instead.
 */
import { describe, test } from 'vitest';
import { dataPath, dataRequired, resolveDataFolder } from '../../harness/data';
import { caseInvariant } from '../../harness/testing/invariant';
import { readHistoryFile } from '../../impl/linearizability/parsers/index';
import { listRecordedHistories } from '../../impl/linearizability/recorded';
import { dropsOpenOperations, ignoresRealTime, realChecker, type Checker } from './_subjects';

const ID = 'linearizability/recorded-verdicts';
const historiesDir = dataPath(resolveDataFolder(), 'histories');

describe('recorded histories', () => {
  if (historiesDir === null) {
    if (dataRequired()) {
      test(ID, () => {
        throw new Error(`${ID} needs the recorded histories: set PAPERPROOF_DATA to a data folder with histories/ (for example ../shared/data)`);
      });
    } else {
      test.skip(`${ID} (skipped: PAPERPROOF_DATA is not set, so there are no recorded histories to check)`, () => {});
    }
    return;
  }

  const recorded = listRecordedHistories(historiesDir);
  caseInvariant<Checker>({
    id: ID,
    subject: realChecker,
    controls: [
      { name: 'ignores real-time order', subject: ignoresRealTime },
      { name: 'treats pending operations as absent', subject: dropsOpenOperations },
    ],
    timeoutMs: 300_000,
    check: (checker) => {
      // A broken variant is rejected by its first definite wrong verdict; it gets a short budget
      // because ignoring real time makes the search exponential, and its `unknown` proves nothing.
      const isControl = checker !== realChecker;
      const failures: string[] = [];
      let runs = 0;
      for (const entry of recorded) {
        const { parsed, model } = readHistoryFile(entry.path);
        const result = checker(model, parsed.history, { timeoutMs: isControl ? 1_000 : 60_000 });
        runs++;
        const expected = entry.expected === 'linearizable' ? 'ok' : 'illegal';
        if (isControl && result.result === 'unknown') continue;
        if (result.result !== expected) failures.push(`${entry.name}: expected ${entry.expected}, got ${result.result}`);
        if (isControl && failures.length > 0) break;
      }
      return { runs, failures };
    },
  });
});
