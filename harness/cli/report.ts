/**
 * `paperproof report --in FILE...`: rebuilds the reports from saved files. Inputs may be
 * `results.json` files (merged into one correctness report), `coverage.json` and `mutation.json`
 * from `paperproof coverage` and `paperproof mutation` (joined into the merged results, or
 * written as the quality page alone when no results file is given), bench files from
 * `paperproof bench` (their medians, with the results files' benchmark medians, make the
 * benchmark history plot) and a `calibration.json`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mergeResults, readResults } from '../../reports/merge';
import { writeBenchPage, type BenchPageContent } from '../../reports/bench-page';
import type { Results } from '../../reports/schema';
import { writeReports } from '../../reports/write';
import { BENCH_FILE_KIND, type BenchFile } from '../regression/bench-file';
import type { CalibrationResult } from '../regression/calibrate';
import { attachQuality, isQualityKind, readQualityFile, type QualityFile } from '../quality/files';
import { writeQualityPageAlone } from '../quality/publish';
import { UsageError } from './errors';

/** Rebuilds the reports and returns the exit code (1 when the merged results have problems). */
export async function reportCommand(files: string[], out: string): Promise<number> {
  const results: { path: string; results: Results }[] = [];
  const runs: BenchFile[] = [];
  const qualityFiles: QualityFile[] = [];
  let calibration: CalibrationResult | undefined;
  const history: NonNullable<BenchPageContent['history']> = [];

  for (const path of files) {
    let kind: unknown;
    try {
      kind = (JSON.parse(readFileSync(path, 'utf8')) as { kind?: unknown }).kind;
    } catch {
      kind = undefined; // readResults below names the problem
    }
    try {
      if (kind === BENCH_FILE_KIND) {
        const run = JSON.parse(readFileSync(path, 'utf8')) as BenchFile;
        runs.push(run);
        for (const b of run.benchmarks) history.push({ createdAt: run.createdAt, id: b.id, median: b.median, unit: b.unit, source: path });
      } else if (isQualityKind(kind)) {
        qualityFiles.push(readQualityFile(path));
      } else if (kind === 'paperproof-calibration') {
        calibration = JSON.parse(readFileSync(path, 'utf8')) as CalibrationResult;
      } else {
        const read = readResults(path);
        results.push({ path, results: read });
        for (const method of read.methods) for (const b of method.benchmarks) history.push({ createdAt: read.createdAt, id: b.id, median: b.median, unit: b.unit, source: path });
      }
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }

  const outDir = resolve(out);
  let exit = 0;
  if (results.length > 0) {
    const merged = attachQuality(mergeResults(results), qualityFiles);
    const written = await writeReports(merged, outDir);
    process.stderr.write(`correctness report written to ${outDir} (${written.length} files)\n`);
    if ((merged.problems ?? []).length > 0 || merged.methods.some((m) => m.invariants.some((i) => i.status === 'failed'))) exit = 1;
  } else if (qualityFiles.length > 0) {
    const page = writeQualityPageAlone(outDir, qualityFiles);
    process.stderr.write(`coverage and mutation page written to ${page} (no results.json given, so no correctness report)\n`);
  }
  if (runs.length > 0 || calibration !== undefined || history.length > 0) {
    const sources = new Set(history.map((h) => h.source));
    const page = await writeBenchPage(outDir, { runs: runs.slice(-2), calibration, history: sources.size > 1 ? history : [] });
    process.stderr.write(`benchmark page written to ${page}\n`);
  }
  return exit;
}
