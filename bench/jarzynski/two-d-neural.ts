/**
 * The 2-D neural comparison: an MLP energy trained by Jarzynski and by PCD on a ring of four
 * Gaussian modes with masses 0.1, 0.2, 0.3, 0.4.
 */
import type { Profile } from '../../harness/profile';
import type { ExperimentReport, RunContext } from '../../harness/runner';
import { massBars, lineChart, scatterPlot } from './plots';
import { RING_TEACHER, runRing, sampleRing, type RingRun, type RingSettings } from './ring-run';

/** Settings per profile. */
export function ringSettings(profile: Profile): RingSettings & { repetitions: number } {
  const common = {
    dataPoints: 4000,
    stepSize: 0.01,
    batchSize: 256,
    learningRate: 0.001,
    hidden: [32, 32],
    confinementVariance: 9,
    trigger: { kind: 'cv2-above', threshold: 1 } as const,
    grid: { xMin: -6, xMax: 6, yMin: -6, yMax: 6, points: 121 },
  };
  return profile === 'full' ? { ...common, walkers: 2000, steps: 4000, recordPoints: 40, repetitions: 3 } : { ...common, walkers: 1000, steps: 2000, recordPoints: 20, repetitions: 1 };
}

const LABEL = { jarzynski: 'Jarzynski', pcd: 'PCD', cd: 'CD' } as const;

/** KL and mode-mass error averaged over the last quarter of the recorded points (less noise than the last point). */
function lateAverage(run: RingRun): { kl: number; massError: number; masses: number[] } {
  const late = run.curve.slice(Math.floor((3 * run.curve.length) / 4));
  const kl = late.reduce((s, p) => s + p.kl, 0) / late.length;
  const masses = RING_TEACHER.masses.map((_, j) => late.reduce((s, p) => s + (p.modelMasses[j] as number), 0) / late.length);
  const massError = Math.max(...masses.map((m, j) => Math.abs(m - (RING_TEACHER.masses[j] as number))));
  return { kl, massError, masses };
}

/** Runs the comparison and returns the report. */
export async function runTwoDimensionalNeural(context: RunContext): Promise<ExperimentReport> {
  const settings = ringSettings(context.profile);
  const runs: (RingRun & { repetition: number })[] = [];
  for (let r = 0; r < settings.repetitions; r++) {
    const rng = context.rng(`jarzynski/two-d-neural/repetition-${r}`);
    const data = sampleRing(RING_TEACHER, settings.dataPoints, rng.fork('data'));
    for (const method of ['jarzynski', 'pcd'] as const) {
      context.progress(`${LABEL[method]} on the 2-D ring, repetition ${r + 1}/${settings.repetitions} (${settings.steps} steps)`);
      runs.push({ ...runRing(method, settings, data, rng.fork('run')), repetition: r });
    }
  }

  let wins = 0;
  const rows: (string | number)[][] = [];
  for (let r = 0; r < settings.repetitions; r++) {
    const jar = runs.find((run) => run.method === 'jarzynski' && run.repetition === r)!;
    const pcd = runs.find((run) => run.method === 'pcd' && run.repetition === r)!;
    if (lateAverage(jar).kl < lateAverage(pcd).kl) wins++;
    for (const run of [jar, pcd]) {
      const late = lateAverage(run);
      rows.push([r + 1, LABEL[run.method], late.kl, ...late.masses, late.massError, run.resamplings, run.millis / 1000]);
    }
  }

  const mean = (method: 'jarzynski' | 'pcd', pick: (late: ReturnType<typeof lateAverage>) => number) => {
    const selected = runs.filter((run) => run.method === method).map((run) => pick(lateAverage(run)));
    return selected.reduce((a, b) => a + b, 0) / selected.length;
  };
  const metrics: ExperimentReport['metrics'] = {
    'Jarzynski KL, last quarter (mean)': { value: mean('jarzynski', (l) => l.kl), unit: 'nats' },
    'PCD KL, last quarter (mean)': { value: mean('pcd', (l) => l.kl), unit: 'nats' },
    'Jarzynski largest mode-mass error, last quarter (mean)': { value: mean('jarzynski', (l) => l.massError), unit: 'probability' },
    'PCD largest mode-mass error, last quarter (mean)': { value: mean('pcd', (l) => l.massError), unit: 'probability' },
    'repetitions where Jarzynski has the lower KL': { value: wins, unit: `of ${settings.repetitions}` },
  };

  const curveRows = runs.flatMap((run) => run.curve.map((p) => ({ step: p.step, method: LABEL[run.method], repetition: `${run.method}-${run.repetition}`, kl: p.kl })));
  const first = runs.filter((run) => run.repetition === 0);
  const dataRng = context.rng('jarzynski/two-d-neural/repetition-0').fork('data');
  const shownData = sampleRing(RING_TEACHER, 1000, dataRng);
  const scatterRows = [
    ...Array.from({ length: 1000 }, (_, i) => ({ x: shownData[2 * i] as number, y: shownData[2 * i + 1] as number, group: 'data', weight: 1 })),
    ...first.flatMap((run) => run.walkers.slice(0, 1000).map((w) => ({ x: w.x, y: w.y, group: `${LABEL[run.method]} walkers`, weight: w.weight * run.walkers.length }))),
  ];
  const massRows = [
    ...RING_TEACHER.masses.map((m, j) => ({ mode: `mode ${j + 1}`, source: 'teacher', mass: m })),
    ...first.flatMap((run) => lateAverage(run).masses.map((m, j) => ({ mode: `mode ${j + 1}`, source: LABEL[run.method], mass: m }))),
  ];

  return {
    verdict: wins === settings.repetitions ? 'reproduced' : 'not-reproduced',
    summary:
      `Over the last quarter of training, Jarzynski reached a KL divergence of ${metrics['Jarzynski KL, last quarter (mean)']!.value.toFixed(3)} nats against ${metrics['PCD KL, last quarter (mean)']!.value.toFixed(3)} for PCD ` +
      `(lower in ${wins} of ${settings.repetitions} repetitions); its largest mode-mass error was ${metrics['Jarzynski largest mode-mass error, last quarter (mean)']!.value.toFixed(3)} against ${metrics['PCD largest mode-mass error, last quarter (mean)']!.value.toFixed(3)} for PCD.`,
    metrics,
    data: `generated: ${settings.dataPoints} points of a ring of four Gaussian modes (radius ${RING_TEACHER.radius}, standard deviation ${RING_TEACHER.std}, masses ${RING_TEACHER.masses.join(', ')})`,
    notes: [
      `Energy: |x|²/(2·${settings.confinementVariance}) + MLP (hidden ${settings.hidden.join('-')}, SiLU), output layer initialised to 0 so the initial model is exactly N(0, ${settings.confinementVariance} I) and the Jarzynski walkers start from exact samples.`,
      `${settings.walkers} walkers, ${settings.steps} updates with one ULA step of h = ${settings.stepSize} each, Adam (learning rate ${settings.learningRate}, β1 = 0, β2 = 0.999), batches of ${settings.batchSize} data points; systematic resampling when CV² > 1.`,
      `KL and mode masses (mass in the Voronoi cell of each teacher mode) by the trapezoid rule on a ${settings.grid.points}×${settings.grid.points} grid over [${settings.grid.xMin}, ${settings.grid.xMax}]²; values are averaged over the last quarter of the ${settings.recordPoints} recorded points.`,
    ],
    tables: [{ title: 'Last-quarter averages per repetition', columns: ['repetition', 'method', 'KL (nats)', ...RING_TEACHER.masses.map((m, j) => `mass ${j + 1} (target ${m})`), 'largest mass error', 'resamplings', 'time (s)'], rows }],
    plots: [
      lineChart({ title: 'KL divergence over training (quadrature)', rows: curveRows, x: 'step', y: 'kl', series: 'method', detail: 'repetition', xTitle: 'training step', yTitle: 'KL (nats, symlog scale)', logY: true }),
      massBars('Mode masses of the trained models (repetition 1)', massRows, 'Model mass in each teacher mode\'s cell, averaged over the last quarter of training.'),
      scatterPlot({ title: 'Data and final walkers (repetition 1)', rows: scatterRows, domain: [-6, 6], caption: 'Jarzynski walkers are drawn with size proportional to their weight.' }),
    ],
  };
}
