/**
 * Bad input gets a named error. That covers NaN, infinite entries and wrong lengths in hidden
 * vectors and network inputs, and empty, flat, unbounded, inconsistent and malformed constraint
 * sets. Errors name the value (entry, rows, direction) and the fix.
 */
import fc from 'fast-check';
import { Matrix, inverse } from 'ml-matrix';
import { beforeAll, describe } from 'vitest';
import { polytope, psdMatrix, seed } from '../../harness/arbitraries/numeric';
import { Rng } from '../../harness/rng';
import { selectBackendFromEnv, tf } from '../../harness/tensor/backend';
import { propertyInvariant } from '../../harness/testing/invariant';
import {
  ConstraintError,
  createConstraintMap,
  createJointConstraintMap,
  EmptyInteriorError,
  InfeasibleSetError,
  InvalidConstraintSetError,
  InvalidInputError,
  inputLength,
  oracleOutputs,
  prepareConstraintSet,
  prepareJointSet,
  requireModeSupported,
  solveLp,
  UnboundedSetError,
  type ConstraintSetSpec,
  type LayerMode,
  type PreparedSet,
} from '../../impl/constraints/index';
import { lift } from '../../impl/constraints/_internals/reduced';
import { reducedOutput } from '../../impl/constraints/oracle';
import { anySet, jointSet } from './_sets';

beforeAll(async () => {
  await selectBackendFromEnv();
});

const MODES: readonly LayerMode[] = ['ray', 'boundary', 'projection'];

/** The entry points that must reject bad hidden vectors; each runs a batch. */
interface Entry {
  name: string;
  run: (set: PreparedSet, mode: LayerMode, zs: number[][]) => unknown;
}

const oracleEntry: Entry = { name: 'oracle', run: (set, mode, zs) => oracleOutputs(set, mode, zs) };
const layerEntry: Entry = {
  name: 'layer',
  run: (set, mode, zs) => {
    const map = createConstraintMap(set, { mode });
    const input = tf.tensor2d(zs.flat(), [zs.length, zs[0]!.length]);
    try {
      return map.apply(input).dataSync();
    } finally {
      input.dispose();
      map.dispose();
    }
  },
};
/** Control: the layer built with validation switched off, so NaN flows through. */
const uncheckedLayer: Entry = {
  name: 'layer without validation',
  run: (set, mode, zs) => {
    const map = createConstraintMap(set, { mode, validate: false });
    const input = tf.tensor2d(zs.flat(), [zs.length, zs[0]!.length]);
    const out = map.apply(input).dataSync();
    input.dispose();
    map.dispose();
    return out;
  },
};
/** Control: the oracle's arithmetic without its input checks. */
const uncheckedOracle: Entry = { name: 'oracle without input checks', run: (set, mode, zs) => zs.map((z) => lift(set, reducedOutput(set, mode, z))) };

function expectThrows(run: () => unknown, type: new (...args: never[]) => Error, patterns: readonly RegExp[], what: string): void {
  let caught: unknown = null;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  if (caught === null) throw new Error(`${what}: no error was raised`);
  if (!(caught instanceof type)) throw new Error(`${what}: raised ${(caught as Error).name} (${(caught as Error).message}), expected ${type.name}`);
  for (const pattern of patterns) if (!pattern.test((caught as Error).message)) throw new Error(`${what}: message '${(caught as Error).message}' does not match ${pattern}`);
}

describe('errors', () => {
  propertyInvariant<Entry[]>({
    id: 'constraints/nan-rejected',
    subject: [oracleEntry, layerEntry],
    controls: [
      { name: 'layer without input validation', subject: [uncheckedLayer] },
      { name: 'oracle without input checks', subject: [uncheckedOracle] },
    ],
    numRuns: { quick: 40, full: 400 },
    property: (entries) =>
      fc.asyncProperty(anySet(), fc.constantFrom(...MODES), fc.integer({ min: 1, max: 5 }), seed(), fc.constantFrom(Number.NaN, Infinity, -Infinity), async (c, mode, batch, s, bad) => {
        const set = await prepareConstraintSet(c.spec);
        const rng = new Rng(s);
        const length = inputLength(set, mode);
        const zs = Array.from({ length: batch }, () => Array.from({ length }, () => rng.normal()));
        const row = rng.int(0, batch - 1);
        const column = rng.int(0, length - 1);
        zs[row]![column] = bad;
        const label = Number.isNaN(bad) ? 'NaN' : String(bad);
        for (const entry of entries) {
          expectThrows(() => entry.run(set, mode, zs), InvalidInputError, [new RegExp(`hidden vector ${row} has ${label} at index ${column}`), /Find where the network produces it/], `${entry.name}, ${mode}`);
          const tooLong = zs.map((z) => [...z.map((x) => (Number.isFinite(x) ? x : 0)), 0]);
          if (entry === oracleEntry || entry === layerEntry) {
            expectThrows(() => entry.run(set, mode, tooLong), InvalidInputError, [new RegExp(`expected ${length}|\\[B, ${length}\\]`)], `${entry.name}, ${mode}, wrong length`);
          }
        }
      }),
  });

  propertyInvariant<Preparer>({
    id: 'constraints/bad-sets-rejected',
    subject: realPreparer,
    controls: [
      { name: 'errors swallowed and the set used anyway', subject: swallowingPreparer },
      { name: 'error names the first rows instead of the conflicting ones', subject: firstRowsPreparer },
    ],
    numRuns: { quick: 60, full: 600 },
    property: (prepare) => fc.asyncProperty(badSet(), async (bad) => checkRejection(prepare, bad)),
  });

  propertyInvariant<JointEntry>({
    id: 'constraints/joint-input-rejected',
    subject: jointLayerEntry,
    controls: [{ name: 'joint layer without input checks', subject: (set, mode, zs, xs) => jointRun(set, mode, zs, xs, false) }],
    numRuns: { quick: 30, full: 300 },
    property: (run) =>
      fc.asyncProperty(jointSet(), fc.constantFrom(...MODES), seed(), async (c, mode, s) => {
        const set = await prepareJointSet(c.spec);
        const rng = new Rng(s);
        const n = c.spec.outputDimension;
        const zs = [Array.from({ length: mode === 'ray' ? n + 1 : n }, () => rng.normal())];
        const column = rng.int(0, c.spec.inputDimension - 1);
        const nan = [c.spec.inputBox.lower.map((l, j) => (j === column ? Number.NaN : l))];
        expectThrows(() => run(set, mode, zs, nan), InvalidInputError, [new RegExp(`network input 0 has NaN at index ${column}`)], 'NaN input');
        // Far outside the box some slack turns non-positive: the message names the box and the fix.
        const far = [c.spec.inputBox.upper.map(() => 0)];
        const direction = c.spec.Gx.map((row) => row[column]!);
        const sign = direction.some((g) => g > 0) ? 1 : -1;
        far[0]![column] = sign * 1e12;
        expectThrows(() => run(set, mode, zs, far), InvalidInputError, [/outside inputBox/, /Widen inputBox/], 'input outside the box');
        // Shapes: a hidden vector or a network input one entry too long, and two inputs for one hidden vector.
        const inside = [c.spec.inputBox.lower.map((l, j) => (l + c.spec.inputBox.upper[j]!) / 2)];
        const width = zs[0]!.length;
        expectThrows(() => run(set, mode, [[...zs[0]!, 0]], inside), InvalidInputError, [new RegExp(`hidden vectors of shape \\[B, ${width}\\], got \\[1, ${width + 1}\\]`)], 'hidden vector too long');
        const d = c.spec.inputDimension;
        expectThrows(() => run(set, mode, zs, [...inside, ...inside]), InvalidInputError, [new RegExp(`network inputs of shape \\[1, ${d}\\] \\(one per hidden vector\\), got \\[2, ${d}\\]`)], 'two inputs for one hidden vector');
        expectThrows(() => run(set, mode, zs, [[...inside[0]!, 0]]), InvalidInputError, [new RegExp(`network inputs of shape \\[1, ${d}\\] \\(one per hidden vector\\), got \\[1, ${d + 1}\\]`)], 'network input too long');
      }),
  });
});

type JointEntry = (set: Awaited<ReturnType<typeof prepareJointSet>>, mode: LayerMode, zs: number[][], xs: number[][]) => unknown;

function jointRun(set: Awaited<ReturnType<typeof prepareJointSet>>, mode: LayerMode, zs: number[][], xs: number[][], validate: boolean): unknown {
  const map = createJointConstraintMap(set, { mode, validate });
  const z = tf.tensor2d(zs);
  const x = tf.tensor2d(xs);
  try {
    return map.apply(z, x).dataSync();
  } finally {
    z.dispose();
    x.dispose();
    map.dispose();
  }
}

const jointLayerEntry: JointEntry = (set, mode, zs, xs) => jointRun(set, mode, zs, xs, true);

/** Prepares a set for a mode, raising the errors the property expects. */
type Preparer = (spec: ConstraintSetSpec, mode: LayerMode) => Promise<PreparedSet>;

const realPreparer: Preparer = async (spec, mode) => {
  const set = await prepareConstraintSet(spec);
  requireModeSupported(set, mode);
  return set;
};

/** Control: any constraint error is swallowed and a box around the origin is used instead. */
const swallowingPreparer: Preparer = async (spec, mode) => {
  try {
    return await realPreparer(spec, mode);
  } catch (error) {
    if (!(error instanceof ConstraintError)) throw error;
    const n = spec.dimension;
    return prepareConstraintSet({ dimension: n, box: { lower: new Array<number>(n).fill(-1), upper: new Array<number>(n).fill(1) } });
  }
};

/** Control: infeasibility errors name the first two linear rows, whatever the conflict. */
const firstRowsPreparer: Preparer = async (spec, mode) => {
  try {
    return await realPreparer(spec, mode);
  } catch (error) {
    if (error instanceof InfeasibleSetError) throw new InfeasibleSetError(['linear row 0', 'linear row 1'], 'rows chosen without looking');
    throw error;
  }
};

/** A malformed or unusable set, and what its error must contain. */
type BadSet =
  | { kind: 'infeasible'; spec: ConstraintSetSpec; mustName: string[] }
  | { kind: 'flat'; spec: ConstraintSetSpec; mustName: string[] }
  | { kind: 'unbounded'; spec: ConstraintSetSpec }
  | { kind: 'inconsistent-equalities'; spec: ConstraintSetSpec; mustName: string[] }
  | { kind: 'malformed'; spec: ConstraintSetSpec; field: RegExp };

function badSet(): fc.Arbitrary<BadSet> {
  // Without the added row the polytope is feasible, so every infeasible subset contains that row.
  const contradicted = fc.tuple(fc.integer({ min: 1, max: 5 }).chain((n) => polytope(n)), seed(), fc.double({ min: 0.01, max: 10, noNaN: true })).map(([p, s, gap]): BadSet => {
    const k = new Rng(s).int(0, p.A.length - 1);
    const A = [...p.A, p.A[k]!.map((x) => -x)];
    const b = [...p.b, -(p.b[k]! + gap * Math.hypot(...p.A[k]!))];
    return { kind: 'infeasible', spec: { dimension: p.dimension, linear: { A, b } }, mustName: [`linear row ${A.length - 1}`] };
  });
  // Two opposite rows through the interior point: the set is the polytope's slice by a hyperplane.
  const flat = fc.tuple(fc.integer({ min: 1, max: 5 }).chain((n) => polytope(n)), seed()).map(([p, s]): BadSet => {
    const rng = new Rng(s);
    const a = Array.from({ length: p.dimension }, () => rng.normal());
    const level = a.reduce((sum, x, j) => sum + x * p.interior[j]!, 0);
    const m = p.A.length;
    return { kind: 'flat', spec: { dimension: p.dimension, linear: { A: [...p.A, a, a.map((x) => -x)], b: [...p.b, level, -level] } }, mustName: [`linear row ${m}`, `linear row ${m + 1}`] };
  });
  const unbounded = fc.integer({ min: 1, max: 5 }).chain((n) => polytope(n, { bounded: false, extraRows: fc.integer({ min: 1, max: n }) })).map((p): BadSet => ({ kind: 'unbounded', spec: { dimension: p.dimension, linear: { A: p.A, b: p.b } } }));
  const outsideEllipsoid = fc.tuple(fc.integer({ min: 1, max: 4 }).chain((n) => psdMatrix(n, { maxCondition: 10 })), seed()).map(([P, s]): BadSet => {
    const rng = new Rng(s);
    const n = P.length;
    const centre = Array.from({ length: n }, () => 3 * rng.normal());
    const a = Array.from({ length: n }, () => rng.normal());
    // The min over {½(y−c)ᵀP(y−c) ≤ ½} of a·y is a·c − √(aᵀP⁻¹a), and the linear row requires a·y below it.
    const reach = Math.sqrt(new Matrix([a]).mmul(inverse(new Matrix(P))).mmul(Matrix.columnVector(a)).get(0, 0));
    const Pc = P.map((row) => row.reduce((sum, x, j) => sum + x * centre[j]!, 0));
    const quadratic = { P, q: Pc.map((x) => -x), b: 0.5 - 0.5 * Pc.reduce((sum, x, j) => sum + x * centre[j]!, 0) };
    const b = a.reduce((sum, x, j) => sum + x * centre[j]!, 0) - reach - 0.5 - rng.float();
    return { kind: 'infeasible', spec: { dimension: n, linear: { A: [a], b: [b] }, quadratic: [quadratic] }, mustName: ['linear row 0', 'quadratic constraint 0'] };
  });
  const inconsistent = fc.tuple(fc.integer({ min: 2, max: 5 }).chain((n) => polytope(n)), seed()).map(([p, s]): BadSet => {
    const rng = new Rng(s);
    const c = Array.from({ length: p.dimension }, () => rng.normal());
    const e = c.reduce((sum, x, j) => sum + x * p.interior[j]!, 0);
    return { kind: 'inconsistent-equalities', spec: { dimension: p.dimension, linear: { A: p.A, b: p.b }, equality: { C: [c, c.map((x) => 2 * x)], e: [e, 2 * e + 1 + rng.float()] } }, mustName: ['equality row 0', 'equality row 1'] };
  });
  const malformed = fc.tuple(anySet(['linear', 'mixed']), seed()).map(([c, s]): BadSet => {
    const rng = new Rng(s);
    const A = c.spec.linear!.A.map((row) => [...row]);
    const i = rng.int(0, A.length - 1);
    if (rng.bool()) {
      A[i]!.push(1);
      return { kind: 'malformed', spec: { ...c.spec, linear: { A, b: c.spec.linear!.b } }, field: new RegExp(`linear\\.A row ${i} has ${A[i]!.length} entries, expected ${c.spec.dimension}`) };
    }
    A[i]![rng.int(0, c.spec.dimension - 1)] = Number.NaN;
    return { kind: 'malformed', spec: { ...c.spec, linear: { A, b: c.spec.linear!.b } }, field: new RegExp(`linear\\.A\\[${i}\\]\\[\\d+\\] must be a finite number, got NaN`) };
  });
  return fc.oneof(contradicted, flat, unbounded, outsideEllipsoid, inconsistent, malformed);
}

async function checkRejection(prepare: Preparer, bad: BadSet): Promise<void> {
  let caught: unknown = null;
  try {
    await prepare(bad.spec, 'ray');
  } catch (error) {
    caught = error;
  }
  if (caught === null) throw new Error(`${bad.kind} set was accepted`);
  const message = (caught as Error).message;

  if (bad.kind === 'malformed') {
    if (!(caught instanceof InvalidConstraintSetError) || !bad.field.test(message)) throw new Error(`malformed set raised '${message}', expected a message matching ${bad.field}`);
    return;
  }
  if (bad.kind === 'unbounded') {
    if (!(caught instanceof UnboundedSetError)) throw new Error(`unbounded set raised ${(caught as Error).name}: ${message}`);
    if (!/use mode 'projection'/.test(message)) throw new Error(`unbounded-set message gives no fix: ${message}`);
    // The reported direction must be a recession direction: A d ≤ 0 and d ≠ 0.
    const d = caught.direction;
    const worst = Math.max(...bad.spec.linear!.A.map((a) => a.reduce((sum, x, j) => sum + x * d[j]!, 0) / Math.hypot(...a)));
    if (!(Math.max(...d.map(Math.abs)) > 0) || worst > 1e-6) throw new Error(`reported direction [${d.join(', ')}] is not a recession direction (max aᵢ·d/|aᵢ| = ${worst})`);
    return;
  }

  const expected = bad.kind === 'flat' ? EmptyInteriorError : InfeasibleSetError;
  if (!(caught instanceof expected)) throw new Error(`${bad.kind} set raised ${(caught as Error).name}: ${message}`);
  const named = (caught as InfeasibleSetError | EmptyInteriorError).rows;
  for (const row of bad.mustName) if (!named.includes(row)) throw new Error(`${bad.kind} set: error names [${named.join(', ')}], which lacks ${row}`);
  if (bad.kind === 'infeasible' && bad.spec.quadratic === undefined) {
    // The named linear rows alone must be infeasible: check with an LP.
    const indices = named.map((label) => /^linear row (\d+)$/.exec(label)).filter((m) => m !== null).map((m) => Number(m![1]));
    const lp = await solveLp({
      sense: 'minimize',
      cost: new Array<number>(bad.spec.dimension).fill(0),
      lower: new Array<number>(bad.spec.dimension).fill(-Infinity),
      upper: new Array<number>(bad.spec.dimension).fill(Infinity),
      rows: indices.map((i) => bad.spec.linear!.A[i]!),
      rowLower: indices.map(() => -Infinity),
      rowUpper: indices.map((i) => bad.spec.linear!.b[i]!),
    });
    if (lp.status !== 'infeasible') throw new Error(`the named rows [${named.join(', ')}] can hold together (LP status ${lp.statusName})`);
  }
}
