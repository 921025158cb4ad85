/**
 * Self-tests of the regression tooling: the decision rule on synthetic timings, the bench file
 * checks and the revision checkout errors. Test names start with `harness/`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Rng } from '../rng';
import { BenchFileError, readBenchFile } from './bench-file';
import { parseCpuList } from './compare';
import { checkoutRevision, RevisionError } from './revision';
import { bootstrapRatio, compareLogRatios, comparePaired, compareSamples, mannWhitneyU } from './statistics';

/** Round medians around `median` with 3% log-normal noise. */
function rounds(rng: Rng, median: number, n = 15): number[] {
  return Array.from({ length: n }, () => median * Math.exp(0.03 * rng.normal()));
}

describe('regression statistics', () => {
  test('harness/regression flags a 20% slowdown', () => {
    const rng = new Rng(1);
    const c = compareSamples(rounds(rng, 10), rounds(rng, 12));
    expect(c.change).toBe('slower');
    expect(c.interval[0]).toBeGreaterThan(1.05);
    expect(c.pValue).toBeLessThan(0.01);
  });

  test('harness/regression flags a 20% speed-up', () => {
    const rng = new Rng(2);
    expect(compareSamples(rounds(rng, 10), rounds(rng, 8)).change).toBe('faster');
  });

  test('harness/regression leaves noise and small shifts unchanged', () => {
    const rng = new Rng(3);
    let flagged = 0;
    for (let i = 0; i < 50; i++) if (compareSamples(rounds(rng, 10), rounds(rng, 10), { seed: i, resamples: 2000 }).change !== 'unchanged') flagged++;
    // With alpha 0.01 and the 5% threshold, a flag on equal distributions is rare.
    expect(flagged).toBeLessThanOrEqual(1);
    // A 2% shift is below the threshold, whatever the p-value.
    expect(compareSamples(rounds(rng, 10, 40), rounds(rng, 10.2, 40)).change).toBe('unchanged');
  });

  test('harness/regression paired rounds cancel shared drift', () => {
    const rng = new Rng(5);
    // Load drifts by up to 40% across rounds, identically for both sides of a round.
    const drift = Array.from({ length: 15 }, (_, i) => 1 + 0.4 * Math.sin(i));
    const base = drift.map((d) => 10 * d * Math.exp(0.01 * rng.normal()));
    const slower = drift.map((d) => 11 * d * Math.exp(0.01 * rng.normal()));
    const same = drift.map((d) => 10 * d * Math.exp(0.01 * rng.normal()));
    const paired = comparePaired(base, slower);
    expect(paired.change).toBe('slower');
    expect(paired.ratio).toBeGreaterThan(1.07);
    expect(compareSamples(base, slower).change).toBe('unchanged');
    expect(comparePaired(base, same).change).toBe('unchanged');
    expect(() => comparePaired([1, 2, 3], [1, 2])).toThrow(/as many baseline rounds/);
  });

  test('harness/regression U statistic and bootstrap interval', () => {
    // Candidate values above every baseline value: U equals the product of the sizes.
    expect(mannWhitneyU([1, 2, 3], [4, 5])).toBe(6);
    expect(mannWhitneyU([4, 5], [1, 2, 3])).toBe(0);
    expect(mannWhitneyU([1, 2], [2, 3])).toBe(3.5);
    const rng = new Rng(4);
    const [low, high] = bootstrapRatio(rounds(rng, 10, 30), rounds(rng, 11, 30), { confidence: 0.95, resamples: 4000, seed: 9 });
    expect(low).toBeLessThan(1.1);
    expect(high).toBeGreaterThan(1.1);
    expect(() => compareSamples([1, 2], [1, 2, 3])).toThrow(/at least 3 per side/);
  });

  test('harness/regression per-round log-ratios given directly', () => {
    // Thirty rounds, each the median of five finer pairs, 10% slower with 2% noise.
    const rng = new Rng(8);
    const logs = Array.from({ length: 30 }, () => Math.log(1.1) + 0.02 * rng.normal());
    const ones = logs.map(() => 1);
    const slower = compareLogRatios(logs, ones, ones);
    expect(slower.change).toBe('slower');
    expect(slower.ratio).toBeGreaterThan(1.08);
    expect(slower.ratio).toBeLessThan(1.12);
    const centred = compareLogRatios(logs.map((d) => d - Math.log(1.1)), ones, ones);
    expect(centred.change).toBe('unchanged');
    expect(() => compareLogRatios([0.1, Number.NaN, 0.1], ones, ones)).toThrow(/not finite/);
    expect(() => compareLogRatios([0.1, 0.1], ones, ones)).toThrow(/at least 3 rounds/);
  });

  test('harness/regression CPU lists as taskset prints them', () => {
    expect(parseCpuList('0,1')).toEqual([0, 1]);
    expect(parseCpuList(' 0-3,6\n')).toEqual([0, 1, 2, 3, 6]);
    expect(parseCpuList('')).toEqual([]);
  });
});

describe('regression inputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paperproof-bench-'));

  test('harness/regression bench file errors are named', () => {
    const expectCode = (path: string, code: string) => {
      try {
        readBenchFile(path, '0.1.0');
        throw new Error('no error raised');
      } catch (error) {
        expect(error).toBeInstanceOf(BenchFileError);
        expect((error as BenchFileError).code).toBe(code);
      }
    };
    expectCode(join(dir, 'missing.json'), 'missing');
    writeFileSync(join(dir, 'corrupt.json'), '{"kind": "paperproof-bench", "schema');
    expectCode(join(dir, 'corrupt.json'), 'corrupt');
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ schemaVersion: 1, methods: [] }));
    expectCode(join(dir, 'other.json'), 'not-a-bench-file');
    writeFileSync(join(dir, 'old.json'), JSON.stringify({ kind: 'paperproof-bench', schemaVersion: 1, suiteVersion: '0.0.9', benchmarks: [] }));
    expectCode(join(dir, 'old.json'), 'suite-version');
  });

  test('harness/regression unknown revision is a named error', () => {
    const root = resolve(__dirname, '..', '..');
    expect(() => checkoutRevision(root, 'no-such-revision-7f3a')).toThrow(RevisionError);
    expect(() => checkoutRevision(root, 'no-such-revision-7f3a')).toThrow(/unknown revision 'no-such-revision-7f3a'/);
    expect(() => checkoutRevision(dir, 'HEAD')).toThrow(/not a git checkout/);
  });
});
