/**
 * Self-tests of coverage and mutation reporting: source ownership, Istanbul figures, the
 * equivalent-mutant list, the join into results.json, and the pages. Test names start with
 * `harness/`, which the report lists apart from method invariants.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileCoverageData } from 'istanbul-lib-coverage';
import { describe, expect, test } from 'vitest';
import { renderMethodPage, renderQualityPage } from '../../reports/html';
import { renderMarkdown } from '../../reports/markdown';
import type { MethodMutation, MutantRecord, Results } from '../../reports/schema';
import { SPECS } from '../../specs/index';
import type { MethodSpec } from '../spec';
import { summarizeCoverage } from './coverage';
import { formatLocation, mutantKey, readEquivalents } from './equivalent';
import { COVERAGE_FILE_KIND, MUTATION_FILE_KIND, QUALITY_FILE_VERSION, attachQuality, readQualityFile, type CoverageFile, type MutationFile } from './files';
import { armName, fileFigures, toRanges } from './istanbul';
import { writeIncrementalReport } from './incremental';
import { countStatuses, score, type RawMutant } from './mutation';
import { methodSources, mutationScopes, ownedFolders, ownersOf } from './ownership';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'paperproof-quality-'));
}

function spec(id: string): MethodSpec {
  return { id: id as MethodSpec['id'], title: id, citation: '', claims: [], invariants: [], experiments: [], benchmarks: [] };
}

/** A file of 6 lines: statements on lines 1, 2, 4 and 5; one `if` on line 2 with its arms on lines 3 and 5. */
function sampleCoverage(statementHits: number[], armHits: number[]): FileCoverageData {
  const at = (line: number) => ({ start: { line, column: 0 }, end: { line, column: 10 } });
  return {
    path: '/x/impl/demo/a.ts',
    statementMap: { 0: at(1), 1: at(2), 2: at(4), 3: at(5) },
    s: { 0: statementHits[0]!, 1: statementHits[1]!, 2: statementHits[2]!, 3: statementHits[3]! },
    fnMap: { 0: { name: 'f', decl: at(1), loc: at(1), line: 1 } },
    f: { 0: statementHits[0]! },
    branchMap: { 0: { type: 'if', line: 2, loc: at(2), locations: [at(3), at(5)] } },
    b: { 0: armHits },
  };
}

const SOURCE = 'function f() {\n  if (x) {\n    a();\n  }\n  b();\n}\n';

function mutant(status: MutantRecord['status'], line = 3): MutantRecord {
  return { file: 'impl/demo/a.ts', mutator: 'ConditionalExpression', location: { start: { line, column: 7 }, end: { line, column: 8 } }, replacement: 'true', original: 'x', status };
}

function baseResults(): Results {
  return {
    schemaVersion: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    profile: 'quick',
    seed: 1,
    backend: { requested: 'auto', used: 'none', fallbackKernels: [], notes: [] },
    machine: { cpus: 2, memoryBytes: 2 ** 30, node: 'v20', platform: 'linux' },
    methods: [{ id: 'demo', invariants: [], experiments: [], benchmarks: [] }],
  };
}

function mutationRecord(): MethodMutation {
  const survivor = mutant('survived');
  const equivalent = { ...mutant('equivalent', 9), reason: 'both branches return the same value' };
  return {
    folders: ['impl/demo'],
    measuredAt: '2026-01-01T00:00:00.000Z',
    durationMs: 61_000,
    budgetSeconds: 900,
    complete: true,
    counts: { killed: 8, timeout: 1, survived: 1, noCoverage: 0, equivalent: 1, errors: 0, ignored: 0, notTested: 0, total: 11 },
    score: 0.9,
    reused: 0,
    survivors: [survivor],
    equivalent: [equivalent],
  };
}

describe('harness/quality', () => {
  test('harness/quality ownership defaults to impl/<id>', () => {
    const root = tempDir();
    for (const folder of ['impl/newmethod/_internals', 'impl/lgcn', 'impl/graph', 'properties/newmethod']) mkdirSync(join(root, folder), { recursive: true });
    writeFileSync(join(root, 'impl/newmethod/index.ts'), 'export {};\n');
    writeFileSync(join(root, 'impl/newmethod/_internals/step.ts'), 'export {};\n');
    writeFileSync(join(root, 'impl/newmethod/step.test.ts'), '');
    writeFileSync(join(root, 'impl/newmethod/types.d.ts'), '');
    writeFileSync(join(root, 'impl/graph/csr.ts'), 'export {};\n');

    const [fresh, lgcn] = methodSources(root, [spec('newmethod'), spec('lgcn')]);
    expect(fresh!.folders).toEqual(['impl/newmethod']);
    expect(fresh!.files).toEqual(['impl/newmethod/_internals/step.ts', 'impl/newmethod/index.ts']);
    expect(fresh!.properties).toBe('properties/newmethod');
    // impl/gcn does not exist in this tree, so only the folders present are listed.
    expect(lgcn!.folders).toEqual(['impl/lgcn', 'impl/graph']);
    expect(lgcn!.properties).toBeNull();
    expect(ownersOf('impl/graph/csr.ts', [fresh!, lgcn!])).toEqual(['lgcn']);
  });

  test('harness/quality ownership of the shared folders', () => {
    expect(ownedFolders('linearizability')).toEqual(['impl/linearizability', 'impl/actors', 'models']);
    expect(ownedFolders('clustergcn')).toEqual(['impl/clustergcn', 'impl/graph', 'impl/gcn']);
    expect(ownedFolders('jarzynski')).toEqual(['impl/jarzynski']);
    for (const s of SPECS) expect(ownedFolders(s.id)[0]).toBe(`impl/${s.id}`);
  });

  test('harness/quality shared folders are mutated once, against every sharer', () => {
    const root = tempDir();
    for (const folder of ['impl/lgcn', 'impl/clustergcn', 'impl/graph', 'impl/gcn', 'properties/lgcn', 'properties/clustergcn']) mkdirSync(join(root, folder), { recursive: true });
    for (const file of ['impl/lgcn/a.ts', 'impl/clustergcn/b.ts', 'impl/graph/c.ts', 'impl/gcn/d.ts']) writeFileSync(join(root, file), 'export {};\n');
    const [lgcn, cluster] = mutationScopes(root, [spec('lgcn'), spec('clustergcn')]);
    expect(lgcn!.folders).toEqual(['impl/lgcn', 'impl/graph', 'impl/gcn']);
    expect(lgcn!.testFolders).toEqual(['properties/lgcn', 'properties/clustergcn']);
    expect(cluster!.folders).toEqual(['impl/clustergcn']);
    expect(cluster!.files).toEqual(['impl/clustergcn/b.ts']);
    expect(cluster!.testFolders).toEqual(['properties/clustergcn']);
    // Without lgcn among the specs, clustergcn's run mutates the shared folders itself.
    const [alone] = mutationScopes(root, [spec('clustergcn')]);
    expect(alone!.folders).toEqual(['impl/clustergcn', 'impl/graph', 'impl/gcn']);
  });

  test('harness/quality file figures from counters', () => {
    const figures = fileFigures('impl/demo/a.ts', sampleCoverage([1, 1, 0, 1], [0, 1]), SOURCE);
    expect(figures.lines).toEqual({ covered: 3, total: 4 });
    expect(figures.branches).toEqual({ covered: 1, total: 2 });
    expect(figures.functions).toEqual({ covered: 1, total: 1 });
    expect(figures.uncoveredLines).toEqual(['4']);
    expect(figures.uncoveredBranches).toEqual([{ line: 3, type: 'if', arm: 'then', text: 'a();' }]);
    expect(figures.linesOutsideProperties).toBeUndefined();
  });

  test('harness/quality lines from c8 join vitest lines', () => {
    // c8 saw line 4 run (a command-line child process), and a line vitest does not list.
    const figures = fileFigures('impl/demo/a.ts', sampleCoverage([1, 0, 0, 1], [0, 0]), SOURCE, { 2: 0, 4: 3, 6: 1 });
    expect(figures.lines).toEqual({ covered: 3, total: 4 });
    expect(figures.linesOutsideProperties).toBe(1);
    expect(figures.uncoveredLines).toEqual(['2']);
    // Branches stay vitest's: c8's counters do not mark an arm as taken.
    expect(figures.branches).toEqual({ covered: 0, total: 2 });
  });

  test('harness/quality summaries per method and folder', () => {
    const root = tempDir();
    mkdirSync(join(root, 'impl/demo'), { recursive: true });
    mkdirSync(join(root, 'harness'), { recursive: true });
    writeFileSync(join(root, 'impl/demo/a.ts'), SOURCE);
    writeFileSync(join(root, 'impl/demo/b.ts'), SOURCE);
    writeFileSync(join(root, 'harness/h.ts'), SOURCE);
    const map = new Map([
      ['impl/demo/a.ts', sampleCoverage([1, 1, 1, 1], [1, 1])],
      ['harness/h.ts', sampleCoverage([0, 0, 0, 0], [0, 0])],
    ]);
    const summary = summarizeCoverage(root, methodSources(root, [spec('demo')]), map, null, 'property-suite', 'now');
    expect(summary.methods[0]!.coverage.lines).toEqual({ covered: 4, total: 4 });
    expect(summary.methods[0]!.coverage.source).toBe('property-suite');
    expect(summary.infrastructure[0]!.lines).toEqual({ covered: 0, total: 4 });
    expect(summary.totals.lines).toEqual({ covered: 4, total: 8 });
    // b.ts is a source file that vitest's map does not list: it is named, not counted as covered.
    expect(summary.missing).toEqual(['impl/demo/b.ts']);
  });

  test('harness/quality line ranges and arm names', () => {
    expect(toRanges([3, 4, 5, 9, 11, 12])).toEqual(['3-5', '9', '11-12']);
    expect(toRanges([])).toEqual([]);
    expect(armName('if', 1)).toBe('else');
    expect(armName('cond-expr', 0)).toBe('true');
    expect(armName('binary-expr', 1)).toBe('operand 2');
    expect(armName('switch', 2)).toBe('case 3');
  });

  test('harness/quality equivalent list validation', () => {
    const dir = tempDir();
    const write = (mutants: unknown) => {
      const path = join(dir, `${Math.random()}.json`);
      writeFileSync(path, JSON.stringify({ mutants }));
      return path;
    };
    const good = { file: 'impl/demo/a.ts', mutator: 'ConditionalExpression', location: '3:7-3:8', replacement: 'true', reason: 'x is always true here' };
    const list = readEquivalents(write([good]));
    expect([...list.keys()]).toEqual([mutantKey(mutant('survived'))]);
    expect(formatLocation(mutant('survived').location)).toBe('3:7-3:8');

    expect(readEquivalents(join(dir, 'missing.json')).size).toBe(0);
    expect(() => readEquivalents(write([{ ...good, location: '3:7' }]))).toThrow(/location '3:7'; write it as line:column-line:column/);
    expect(() => readEquivalents(write([{ ...good, reason: 'one\ntwo' }]))).toThrow(/several lines/);
    expect(() => readEquivalents(write([{ ...good, reason: ' ' }]))).toThrow(/empty reason/);
    expect(() => readEquivalents(write([{ ...good, reason: 'x'.repeat(201) }]))).toThrow(/201 characters/);
    expect(() => readEquivalents(write([good, good]))).toThrow(/mutants\[1\] repeats an earlier entry/);
    expect(() => readEquivalents(write([{ ...good, mutator: 3 }]))).toThrow(/no string field "mutator"/);
    expect(() => readEquivalents(write('nope'))).toThrow(/"mutants" array/);
  });

  test('harness/quality mutation score excludes equivalents', () => {
    const counts = countStatuses([mutant('killed'), mutant('killed'), mutant('timeout'), mutant('survived'), mutant('no-coverage'), mutant('equivalent'), mutant('error'), mutant('ignored')]);
    expect(counts).toMatchObject({ killed: 2, timeout: 1, survived: 1, noCoverage: 1, equivalent: 1, errors: 1, ignored: 1, total: 8 });
    expect(score(counts)).toBeCloseTo(3 / 5, 12);
    expect(score(countStatuses([mutant('equivalent'), mutant('ignored')]))).toBeNull();
  });

  test('harness/quality files join results without renaming', () => {
    const coverage: CoverageFile = {
      kind: COVERAGE_FILE_KIND,
      schemaVersion: QUALITY_FILE_VERSION,
      run: { measuredAt: 'now', source: 'property-suite', tools: ['t'], command: 'c', durationMs: 1, totals: { lines: { covered: 1, total: 2 }, branches: { covered: 0, total: 0 }, functions: { covered: 0, total: 0 } }, infrastructure: [], notes: [] },
      methods: [{ id: 'demo', coverage: { folders: ['impl/demo'], lines: { covered: 1, total: 2 }, branches: { covered: 0, total: 0 }, functions: { covered: 0, total: 0 }, files: [], measuredAt: 'now', source: 'property-suite' } }],
    };
    const mutation: MutationFile = {
      kind: MUTATION_FILE_KIND,
      schemaVersion: QUALITY_FILE_VERSION,
      run: { measuredAt: 'now', tool: 'StrykerJS', command: 'm', durationMs: 61_000, concurrency: 2, methods: ['demo', 'other'], notes: [] },
      methods: [{ id: 'demo', mutation: mutationRecord() }, { id: 'other', mutation: mutationRecord() }],
    };
    const before = baseResults();
    const joined = attachQuality(before, [coverage, mutation]);
    expect(before.methods[0]!.coverage).toBeUndefined();
    expect(joined.methods.map((m) => m.id)).toEqual(['demo', 'other']);
    expect(joined.methods[0]!.coverage?.lines).toEqual({ covered: 1, total: 2 });
    expect(joined.methods[0]!.mutation?.score).toBe(0.9);
    expect(joined.quality?.mutation?.concurrency).toBe(2);
    for (const key of Object.keys(before)) expect(joined).toHaveProperty(key);

    const dir = tempDir();
    writeFileSync(join(dir, 'coverage.json'), JSON.stringify(coverage));
    writeFileSync(join(dir, 'old.json'), JSON.stringify({ ...coverage, schemaVersion: 99 }));
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ kind: 'something-else' }));
    expect(readQualityFile(join(dir, 'coverage.json')).kind).toBe(COVERAGE_FILE_KIND);
    expect(() => readQualityFile(join(dir, 'old.json'))).toThrow(/schemaVersion 99/);
    expect(() => readQualityFile(join(dir, 'other.json'))).toThrow(/not a coverage or mutation file/);
  });

  test('harness/quality pages list survivors and reasons', async () => {
    const results = baseResults();
    results.methods[0]!.mutation = mutationRecord();
    results.methods[0]!.coverage = {
      folders: ['impl/demo'],
      lines: { covered: 3, total: 4 },
      branches: { covered: 1, total: 2 },
      functions: { covered: 1, total: 1 },
      files: [fileFigures('impl/demo/a.ts', sampleCoverage([1, 1, 0, 1], [0, 1]), SOURCE)],
      measuredAt: 'now',
      source: 'property-suite',
    };
    const quality = renderQualityPage(results, { methodPages: true });
    expect(quality).toContain('impl/demo/a.ts:3:7');
    expect(quality).toContain('both branches return the same value');
    expect(quality).toContain('90.0%');
    expect(quality).toContain('75.0% (3/4)');
    expect(quality).toContain('Uncovered branches (1)');

    const page = await renderMethodPage(results, results.methods[0]!);
    expect(page).toContain('<h2>Mutation testing</h2>');
    expect(page).toContain('<h2>Coverage</h2>');
    expect(page).toContain('impl/demo/a.ts:3:7');

    const markdown = renderMarkdown(results);
    expect(markdown).toContain('## Coverage and mutation testing');
    expect(markdown).toContain('| demo | 75.0% (3/4) | 50.0% (1/2) | 90.0% | 8 / 1 / 0 / 1 / 1 | 61 s |');
    expect(renderMarkdown(baseResults())).not.toContain('Coverage and mutation testing');
  });
  test('harness/quality incremental file of a stopped run keeps only results it can trust', () => {
    const root = tempDir();
    mkdirSync(join(root, 'impl/demo'), { recursive: true });
    writeFileSync(join(root, 'impl/demo/a.ts'), 'export const a = 1 + 2;\n');
    writeFileSync(join(root, 'impl/demo/b.ts'), 'export const b = 3;\n');
    const at = (column: number) => ({ start: { line: 1, column }, end: { line: 1, column: column + 5 } });
    const mutant = (id: string, file: string, status: string, killedBy: string[]): RawMutant => ({
      id, file, mutator: 'ArithmeticOperator', replacement: '1 - 2', location: at(18), status, coveredBy: killedBy, killedBy,
    });
    const path = join(root, 'mutation/incremental/demo.json');
    const firstTests = [{ id: 't1', name: 'demo adds', file: 'properties/demo/a.test.ts' }, { id: 't2', name: 'demo gone', file: 'properties/demo/a.test.ts' }];
    writeIncrementalReport(path, firstTests, [mutant('1', 'impl/demo/a.ts', 'Killed', ['t1']), mutant('2', 'impl/demo/b.ts', 'Killed', ['t2']), mutant('3', 'impl/demo/a.ts', 'Pending', [])], root);
    const first = JSON.parse(readFileSync(path, 'utf8'));
    expect(first.files['impl/demo/a.ts'].source).toBe('export const a = 1 + 2;\n');
    expect(first.files['impl/demo/a.ts'].mutants).toHaveLength(1); // the pending mutant is not a result
    expect(first.testFiles['properties/demo/a.test.ts'].tests).toHaveLength(2);

    // Second stopped run: it reached no mutant, b.ts is unchanged, and test ids were renumbered.
    // The result for a.ts carries over with its killing test's new id; the one for b.ts is dropped
    // because its killing test no longer exists.
    writeIncrementalReport(path, [{ id: 'n7', name: 'demo adds', file: 'properties/demo/a.test.ts' }], [], root);
    const second = JSON.parse(readFileSync(path, 'utf8'));
    expect(second.files['impl/demo/a.ts'].mutants.map((m: { killedBy: string[] }) => m.killedBy)).toEqual([['n7']]);
    expect(second.files['impl/demo/b.ts']).toBeUndefined();

    // A changed source drops every carried result of that file.
    writeFileSync(join(root, 'impl/demo/a.ts'), 'export const a = 1 + 20;\n');
    writeIncrementalReport(path, [{ id: 'n8', name: 'demo adds', file: 'properties/demo/a.test.ts' }], [], root);
    expect(JSON.parse(readFileSync(path, 'utf8')).files['impl/demo/a.ts']).toBeUndefined();
  });
});
