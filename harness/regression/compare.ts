/**
 * Interleaved comparison of two source trees (or of one tree with itself, for calibration): one
 * worker process per tree, and rounds in which every benchmark runs on each worker in turn.
 *
 * A round's time slice is cut into short pairs, A then B, then B then A, and so on, and the
 * round's statistic is the median log-ratio over its pairs. The finer cut matters on shared
 * virtual machines, where the speed of one core switches between levels. On the 2-core CI-like
 * machine we measured 5.5 ms and 9 ms per call of linearizability/check-etcd, each level lasting
 * a few hundred milliseconds. The two halves of a 100 ms round often ran at different levels,
 * while the two halves of a 10 ms pair seldom do.
 *
 * Both workers are also pinned to one core (see {@link pinTogether}): on that machine the two
 * cores ran at different levels at the same moment, and a worker on the slow one made its side
 * look slower. Pinned, the per-round log-ratios of a 20% injected slowdown were all positive
 * (Wilcoxon p = 2e-9 in 30 rounds); unpinned, a third of them were negative (p = 0.18 to 0.01).
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { compareLogRatios, type Comparison, type ComparisonSettings } from './statistics';
import type { ReadyMessage } from './worker';

/** Options of {@link compareTrees}. */
export interface CompareOptions {
  /** Tree whose bin/paperproof.mjs starts the workers (the current one). */
  launcherRoot: string;
  baselineRoot: string;
  candidateRoot: string;
  methods: string[];
  profile: 'quick' | 'full';
  seed: number;
  data: string | null;
  backend: string;
  rounds: number;
  sliceMs: number;
  settings?: Partial<ComparisonSettings>;
  /** Compare even when the two trees use different tensor backends. */
  allowBackendMismatch?: boolean;
  /** Pin both workers to one core (default true); see {@link pinTogether}. */
  pin?: boolean;
  onRound?: (round: number, rounds: number) => void;
}

/** One benchmark compared. */
export interface BenchmarkComparison {
  id: string;
  unit: string;
  description?: string;
  baselineRounds: number[];
  candidateRounds: number[];
  comparison: Comparison;
}

/** Result of {@link compareTrees}. */
export interface TreeComparison {
  benchmarks: BenchmarkComparison[];
  /** Benchmarks present in only one of the trees. */
  onlyBaseline: string[];
  onlyCandidate: string[];
  baseline: Omit<ReadyMessage, 'type' | 'tasks'>;
  candidate: Omit<ReadyMessage, 'type' | 'tasks'>;
  /** Placement of the workers: the core both were pinned to, or why they were not pinned. */
  placement: string;
}

/** A worker process driven by messages. */
export class BenchWorker {
  private readonly child: ChildProcess;
  private pending: { resolve: (m: any) => void; reject: (e: Error) => void } | null = null;

  constructor(launcherRoot: string, root: string) {
    this.child = fork(join(launcherRoot, 'bin', 'paperproof.mjs'), ['__bench-worker', root], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.child.on('message', (message: { type: string; message?: string }) => {
      const waiting = this.pending;
      this.pending = null;
      if (waiting === null) return;
      if (message.type === 'error') waiting.reject(new Error(`benchmark worker for ${root} failed: ${message.message}`));
      else waiting.resolve(message);
    });
    this.child.on('exit', (code) => {
      this.pending?.reject(new Error(`benchmark worker for ${root} exited with code ${code}`));
      this.pending = null;
    });
  }

  /** Sends a message and waits for the answer. */
  request<T>(message: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.child.send(message as object);
    });
  }

  /** Process id of the worker. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Asks the worker to exit. */
  close(): void {
    if (this.child.connected) this.child.send({ type: 'exit' });
  }
}

/** One benchmark compared by {@link compareWorkers}: per-round median timings and log-ratios. */
export interface WorkerComparison {
  baselineRounds: number[];
  candidateRounds: number[];
  logRatios: number[];
  comparison: Comparison;
}

/** Comparison between two prepared workers; shared by `--compare` and the calibration. */
export async function compareWorkers(
  baseline: BenchWorker,
  candidate: BenchWorker,
  ids: readonly string[],
  options: Pick<CompareOptions, 'rounds' | 'sliceMs' | 'settings' | 'onRound'> & { pairsPerRound?: number; slowdown?: { id: string; fraction: number } },
): Promise<Map<string, WorkerComparison>> {
  const pairs = options.pairsPerRound ?? PAIRS_PER_ROUND;
  const pairMs = options.sliceMs / pairs;
  const rounds = new Map(ids.map((id) => [id, { a: [] as number[], b: [] as number[], logs: [] as number[] }]));
  for (let round = 0; round < options.rounds; round++) {
    for (const id of ids) {
      const slowdown = options.slowdown?.id === id ? options.slowdown.fraction : 0;
      const run = async (worker: BenchWorker, extra: number, warmupMs: number) => median((await worker.request<{ samples: number[] }>({ type: 'run', id, warmupMs, sliceMs: pairMs, slowdown: extra })).samples);
      const a: number[] = [];
      const b: number[] = [];
      for (let pair = 0; pair < pairs; pair++) {
        const warmupMs = round === 0 && pair === 0 ? options.sliceMs / 2 : 0;
        if ((round + pair) % 2 === 0) {
          a.push(await run(baseline, 0, warmupMs));
          b.push(await run(candidate, slowdown, warmupMs));
        } else {
          b.push(await run(candidate, slowdown, warmupMs));
          a.push(await run(baseline, 0, warmupMs));
        }
      }
      const r = rounds.get(id)!;
      r.a.push(median(a));
      r.b.push(median(b));
      r.logs.push(median(a.map((x, i) => Math.log(b[i]! / x))));
    }
    options.onRound?.(round + 1, options.rounds);
  }
  const result = new Map<string, WorkerComparison>();
  for (const id of ids) {
    const { a, b, logs } = rounds.get(id)!;
    result.set(id, { baselineRounds: a, candidateRounds: b, logRatios: logs, comparison: compareLogRatios(logs, a, b, options.settings) });
  }
  return result;
}

/** Pairs per round by default: a 50 ms slice becomes five 10 ms pairs. */
export const PAIRS_PER_ROUND = 5;

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Compares the speed suites of two trees, interleaved.
 *
 * @throws Error when the trees use different tensor backends and `allowBackendMismatch` is not
 *   set, or when they share no benchmark.
 */
export async function compareTrees(options: CompareOptions): Promise<TreeComparison> {
  const a = new BenchWorker(options.launcherRoot, options.baselineRoot);
  const b = new BenchWorker(options.launcherRoot, options.candidateRoot);
  try {
    const placement = options.pin === false ? 'not pinned (--no-pin)' : pinTogether([a, b]);
    const prepare = { type: 'prepare', methods: options.methods, profile: options.profile, seed: options.seed, data: options.data, backend: options.backend };
    const readyA = await a.request<ReadyMessage>(prepare);
    const readyB = await b.request<ReadyMessage>(prepare);
    const sameBackend = readyA.backend.used === readyB.backend.used && deviceOf(readyA) === deviceOf(readyB);
    if (!sameBackend && !options.allowBackendMismatch) {
      throw new Error(`the baseline runs on ${readyA.backend.used} (${deviceOf(readyA)}) and the candidate on ${readyB.backend.used} (${deviceOf(readyB)}); their timings are not comparable. Pass --allow-backend-mismatch to compare anyway.`);
    }
    const idsA = readyA.tasks.map((t) => t.id);
    const idsB = readyB.tasks.map((t) => t.id);
    const shared = idsB.filter((id) => idsA.includes(id));
    if (shared.length === 0) throw new Error('the two revisions share no benchmark; nothing to compare');

    const compared = await compareWorkers(a, b, shared, options);
    return {
      benchmarks: shared.map((id) => {
        const task = readyB.tasks.find((t) => t.id === id)!;
        return { id, unit: task.unit, description: task.description, ...compared.get(id)! };
      }),
      onlyBaseline: idsA.filter((id) => !idsB.includes(id)),
      onlyCandidate: idsB.filter((id) => !idsA.includes(id)),
      baseline: { backend: readyA.backend, version: readyA.version, revision: readyA.revision },
      candidate: { backend: readyB.backend, version: readyB.version, revision: readyB.revision },
      placement,
    };
  } finally {
    a.close();
    b.close();
  }
}

function deviceOf(ready: ReadyMessage): string {
  return ready.backend.notes.find((n) => n.startsWith('device:')) ?? 'device: CPU';
}

/**
 * Pins the workers to one core, the last one this process may run on, with Linux's `taskset`
 * (util-linux). Node has no affinity call of its own, and no maintained package sets it without a
 * native build, so the command is used. Returns a line that describes the placement. When pinning
 * is not possible, the comparison still runs unpinned and the line gives the reason.
 */
export function pinTogether(workers: readonly BenchWorker[]): string {
  if (process.platform !== 'linux') return `not pinned: pinning uses Linux's taskset, and this is ${process.platform}`;
  try {
    const own = execFileSync('taskset', ['-c', '-p', String(process.pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const cpus = parseCpuList(own.slice(own.lastIndexOf(':') + 1));
    if (cpus.length === 0) return `not pinned: could not read this process's CPU list from taskset ('${own.trim()}')`;
    const cpu = cpus[cpus.length - 1]!;
    for (const worker of workers) {
      if (worker.pid === undefined) return 'not pinned: a worker has no process id';
      execFileSync('taskset', ['-c', '-p', String(cpu), String(worker.pid)], { stdio: 'ignore' });
    }
    return `both workers pinned to CPU ${cpu}`;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'taskset is not installed (Debian package util-linux)' : `taskset failed: ${(error as Error).message.split('\n')[0]}`;
    return `not pinned: ${reason}`;
  }
}

/** Parses a CPU list such as `0-3,6` into ascending CPU numbers. */
export function parseCpuList(text: string): number[] {
  const cpus = new Set<number>();
  for (const part of text.trim().split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (match === null) continue;
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    for (let cpu = from; cpu <= to; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((x, y) => x - y);
}
