/**
 * Recorded histories with known verdicts: discovery of the files in a data folder and their
 * expected verdicts (`EXPECTED.txt`: one `<file> linearizable|not-linearizable` per line).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { HistoryError } from './errors';

/** One recorded history and its expected verdict. */
export interface RecordedHistory {
  /** Path of the file. */
  path: string;
  /** Name relative to the histories folder, for example `jepsen-etcd/etcd_000.log`. */
  name: string;
  /** Collection (sub-folder), for example `jepsen-etcd` or `kv`. */
  collection: string;
  expected: 'linearizable' | 'not-linearizable';
}

/**
 * Lists the recorded histories under `historiesDir`: every sub-folder with an `EXPECTED.txt`.
 *
 * @throws HistoryError for an unreadable EXPECTED.txt line or a listed file that does not exist.
 */
export function listRecordedHistories(historiesDir: string): RecordedHistory[] {
  const result: RecordedHistory[] = [];
  const collections = readdirSync(historiesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

  for (const collection of collections) {
    const dir = join(historiesDir, collection);
    const files = new Set(readdirSync(dir));
    if (!files.has('EXPECTED.txt')) continue;
    const expectedPath = join(dir, 'EXPECTED.txt');
    const lines = readFileSync(expectedPath, 'utf8').split(/\r?\n/);
    lines.forEach((line, index) => {
      if (line.trim() === '' || line.trim().startsWith('#')) return;
      const match = /^(\S+)\s+(linearizable|not-linearizable)\s*$/.exec(line.trim());
      if (match === null) {
        throw new HistoryError('malformed-line', `expected '<file> linearizable' or '<file> not-linearizable', got '${line.trim()}'`, expectedPath, index + 1);
      }
      const [, file, verdict] = match as unknown as [string, string, 'linearizable' | 'not-linearizable'];
      if (!files.has(file)) throw new HistoryError('invalid-history', `lists '${file}', which is not in ${dir}`, expectedPath, index + 1);
      result.push({ path: join(dir, file), name: `${collection}/${file}`, collection, expected: verdict });
    });
  }
  return result;
}
