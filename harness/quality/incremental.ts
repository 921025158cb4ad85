/**
 * Writes StrykerJS's incremental file for a run that its time budget stopped.
 *
 * StrykerJS writes the file (a mutation-testing-report-schema report) only when a run finishes.
 * A run stopped by its budget would then leave nothing to reuse, and every later run with the
 * same budget would stop at the same place. This module builds the file from the result stream
 * instead, with the fields StrykerJS's incremental differ reads: each mutated file's source and
 * mutants (status, covering and killing test ids), and each test file's tests.
 *
 * Results from an earlier incremental file are kept for mutants this run did not reach, but only
 * for files whose source has not changed since, so a stale result is never reused.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RawMutant, StreamTest } from './mutation';

/** A mutant as the incremental file stores it. */
interface ReportMutant {
  id: string;
  mutatorName: string;
  replacement: string;
  location: RawMutant['location'];
  status: string;
  statusReason?: string;
  static?: boolean;
  testsCompleted?: number;
  coveredBy: string[];
  killedBy: string[];
}

/** The parts of the report that the incremental differ reads. */
interface IncrementalReport {
  schemaVersion: string;
  thresholds: { high: number; low: number };
  files: Record<string, { language: string; source: string; mutants: ReportMutant[] }>;
  testFiles: Record<string, { tests: { id: string; name: string }[] }>;
}

/** Statuses that are final results; anything else is not worth keeping. */
const FINAL = new Set(['Killed', 'Survived', 'Timeout', 'NoCoverage', 'CompileError', 'RuntimeError']);

/**
 * Writes `path` from the tests and mutants of a stopped run, merged with the results of the
 * file already at `path` for unchanged sources.
 *
 * @param root project root; mutant and test file names are relative to it
 */
export function writeIncrementalReport(path: string, tests: readonly StreamTest[], mutants: readonly RawMutant[], root: string): void {
  const report: IncrementalReport = { schemaVersion: '1.0', thresholds: { high: 80, low: 60 }, files: {}, testFiles: {} };
  const seen = new Set<string>();

  for (const m of mutants) {
    if (!FINAL.has(m.status)) continue;
    const file = fileEntry(report, root, m.file);
    if (file === null) continue;
    seen.add(keyOf(m.file, m.mutator, m.replacement, m.location));
    file.mutants.push({
      id: m.id,
      mutatorName: m.mutator,
      replacement: m.replacement,
      location: m.location,
      status: m.status,
      ...(m.statusReason === undefined ? {} : { statusReason: m.statusReason }),
      ...(m.static === undefined ? {} : { static: m.static }),
      ...(m.testsCompleted === undefined ? {} : { testsCompleted: m.testsCompleted }),
      coveredBy: m.coveredBy ?? [],
      killedBy: m.killedBy ?? [],
    });
  }

  for (const test of tests) {
    const entry = (report.testFiles[test.file] ??= { tests: [] });
    entry.tests.push({ id: test.id, name: test.name });
  }

  const previous = readPrevious(path);
  if (previous !== null) carryOver(previous, report, seen, root, new Set(tests.map((t) => t.id)));

  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report)}\n`);
}

/** Returns the report's entry for `file`, adding it with the file's current source; null when the file is gone. */
function fileEntry(report: IncrementalReport, root: string, file: string): IncrementalReport['files'][string] | null {
  const existing = report.files[file];
  if (existing !== undefined) return existing;
  const source = readSource(root, file);
  if (source === null) return null;
  const entry = { language: 'typescript', source, mutants: [] };
  report.files[file] = entry;
  return entry;
}

/**
 * Copies results of the previous file that this run did not reach, for sources that are
 * unchanged. Test ids are only meaningful within one run, so a carried result keeps only the
 * ids that name the same test (same file and name) in this run.
 */
function carryOver(previous: IncrementalReport, report: IncrementalReport, seen: Set<string>, root: string, currentIds: Set<string>): void {
  const oldName = new Map<string, string>();
  for (const [file, entry] of Object.entries(previous.testFiles ?? {})) {
    for (const t of entry.tests ?? []) oldName.set(t.id, `${file}\n${t.name}`);
  }
  const newId = new Map<string, string>();
  for (const [file, entry] of Object.entries(report.testFiles)) {
    for (const t of entry.tests) newId.set(`${file}\n${t.name}`, t.id);
  }
  const translate = (ids: readonly string[] | undefined) =>
    (ids ?? []).map((id) => newId.get(oldName.get(id) ?? '')).filter((id): id is string => id !== undefined && currentIds.has(id));

  for (const [file, old] of Object.entries(previous.files ?? {})) {
    if (readSource(root, file) !== old.source) continue;
    for (const m of old.mutants ?? []) {
      if (!FINAL.has(m.status)) continue;
      const key = keyOf(file, m.mutatorName, m.replacement, m.location);
      if (seen.has(key)) continue;
      const killedBy = translate(m.killedBy);
      // A killed result whose killing tests no longer exist cannot be reused; leave it to be tested again.
      if (m.status === 'Killed' && killedBy.length === 0) continue;
      const entry = fileEntry(report, root, file);
      if (entry === null) continue;
      seen.add(key);
      entry.mutants.push({ ...m, coveredBy: translate(m.coveredBy), killedBy });
    }
  }
}

function readPrevious(path: string): IncrementalReport | null {
  if (!existsSync(path)) return null;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as IncrementalReport;
    return typeof parsed === 'object' && parsed !== null && typeof parsed.files === 'object' ? parsed : null;
  } catch {
    // A damaged file only costs reuse: the mutants are tested again.
    return null;
  }
}

function readSource(root: string, file: string): string | null {
  try {
    return readFileSync(join(root, file), 'utf8');
  } catch {
    return null;
  }
}

function keyOf(file: string, mutator: string, replacement: string, location: RawMutant['location']): string {
  const { start, end } = location;
  return `${file}@${start.line}:${start.column}-${end.line}:${end.column}\n${mutator}: ${replacement}`;
}
