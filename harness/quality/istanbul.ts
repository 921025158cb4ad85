/**
 * Reads Istanbul coverage maps (`coverage-final.json`, written by both @vitest/coverage-v8 and c8)
 * and turns one file's counters into the report's figures: lines, branches and functions covered,
 * the uncovered line ranges, and every branch arm no test took.
 *
 * The two tools convert V8's counters differently. @vitest/coverage-v8 walks the TypeScript AST,
 * so its statements and branch arms are real syntax. c8 (v8-to-istanbul) maps V8's block ranges
 * back through tsx's source maps, one statement per line and one "branch" per block, with columns
 * that are only approximate. So lines are combined across the tools, and branches and functions
 * are taken from vitest's map alone.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import libCoverage, { type CoverageMap, type FileCoverageData } from 'istanbul-lib-coverage';
import type { CoverageCount, FileCoverage, UncoveredBranch } from '../../reports/schema';

/** Line execution counts of one file, keyed by 1-based line number. */
export type LineCounts = Record<number, number>;

/**
 * Reads a `coverage-final.json` and keys it by paths relative to `root` (with `/` separators).
 *
 * @throws Error naming the path when the file is missing or is not a coverage map
 */
export function readCoverageMap(path: string, root: string): Map<string, FileCoverageData> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the coverage map ${path}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${path} is not an Istanbul coverage map (expected an object keyed by file path)`);
  }
  const map: CoverageMap = libCoverage.createCoverageMap(parsed as Record<string, FileCoverageData>);
  const byFile = new Map<string, FileCoverageData>();
  for (const file of map.files()) byFile.set(toRelative(file, root), map.fileCoverageFor(file).data);
  return byFile;
}

/** Returns the line counts of a file, as Istanbul derives them from its statements. */
export function lineCounts(data: FileCoverageData): LineCounts {
  return libCoverage.createFileCoverage(data).getLineCoverage();
}

/**
 * Computes the report's figures for one file.
 *
 * @param data - the file's counters from @vitest/coverage-v8
 * @param source - the file's text, for quoting uncovered branches
 * @param extraLines - line counts from processes vitest cannot see (c8); a line in vitest's map is
 *   covered when either count is positive
 */
export function fileFigures(path: string, data: FileCoverageData, source: string, extraLines?: LineCounts): FileCoverage {
  const own = lineCounts(data);
  const sourceLines = source.split('\n');

  let coveredLines = 0;
  let outside = 0;
  const uncovered: number[] = [];
  const lines = Object.keys(own).map(Number).sort((a, b) => a - b);
  for (const line of lines) {
    const inProperties = (own[line] ?? 0) > 0;
    const elsewhere = (extraLines?.[line] ?? 0) > 0;
    if (inProperties || elsewhere) coveredLines += 1;
    else uncovered.push(line);
    if (!inProperties && elsewhere) outside += 1;
  }

  const uncoveredBranches: UncoveredBranch[] = [];
  let branchTotal = 0;
  let branchCovered = 0;
  for (const [key, branch] of Object.entries(data.branchMap)) {
    const counts = data.b[key] ?? [];
    branch.locations.forEach((location, arm) => {
      branchTotal += 1;
      if ((counts[arm] ?? 0) > 0) {
        branchCovered += 1;
        return;
      }
      const line = location.start.line ?? branch.line;
      uncoveredBranches.push({ line, type: branch.type, arm: armName(branch.type, arm), text: quote(sourceLines[(line || branch.line) - 1]) });
    });
  }
  uncoveredBranches.sort((a, b) => a.line - b.line);

  const functionCounts = Object.values(data.f);
  const figures: FileCoverage = {
    path,
    lines: { covered: coveredLines, total: lines.length },
    branches: { covered: branchCovered, total: branchTotal },
    functions: { covered: functionCounts.filter((n) => n > 0).length, total: functionCounts.length },
    uncoveredLines: toRanges(uncovered),
    uncoveredBranches,
  };
  if (extraLines !== undefined) figures.linesOutsideProperties = outside;
  return figures;
}

/** Adds coverage counts. */
export function addCounts(...counts: CoverageCount[]): CoverageCount {
  return { covered: counts.reduce((sum, c) => sum + c.covered, 0), total: counts.reduce((sum, c) => sum + c.total, 0) };
}

/**
 * Names the arm of a branch in the reader's terms: `then`/`else` of an `if`, `true`/`false` of a
 * conditional expression, the operand of `&&`, `||` or `??`, the case of a `switch`.
 */
export function armName(type: string, arm: number): string {
  if (type === 'if') return arm === 0 ? 'then' : 'else';
  if (type === 'cond-expr') return arm === 0 ? 'true' : 'false';
  if (type === 'binary-expr') return `operand ${arm + 1}`;
  if (type === 'switch') return `case ${arm + 1}`;
  if (type === 'default-arg') return 'default value';
  return `arm ${arm + 1}`;
}

/** Collapses sorted line numbers into ranges: `[3, 4, 5, 9]` becomes `['3-5', '9']`. */
export function toRanges(lines: readonly number[]): string[] {
  const ranges: string[] = [];
  let start = -1;
  let previous = -1;
  for (const line of lines) {
    if (line === previous + 1) {
      previous = line;
      continue;
    }
    if (start !== -1) ranges.push(start === previous ? String(start) : `${start}-${previous}`);
    start = line;
    previous = line;
  }
  if (start !== -1) ranges.push(start === previous ? String(start) : `${start}-${previous}`);
  return ranges;
}

function toRelative(file: string, root: string): string {
  const path = isAbsolute(file) ? relative(root, file) : file;
  return path.split(sep).join('/');
}

function quote(line: string | undefined): string {
  const text = (line ?? '').trim();
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
