/**
 * Interleaved comparison of two source trees (or of one tree with itself, for calibration): one
 * worker process per tree, and rounds in which every benchmark runs one time slice on each worker,
 * alternating which goes first (A B, then B A), so that the machine's drift hits both alike.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { comparePaired, type Comparison, type ComparisonSettings } from './statistics';
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

  /** Asks the worker to exit. */
  close(): void {
    if (this.child.connected) this.child.send({ type: 'exit' });
  }
}

/** Comparison between two prepared workers; shared by `--compare` and the calibration. */
export async function compareWorkers(
  baseline: BenchWorker,
  candidate: BenchWorker,
  ids: readonly string[],
  options: Pick<CompareOptions, 'rounds' | 'sliceMs' | 'settings' | 'onRound'> & { slowdown?: { id: string; fraction: number } },
): Promise<Map<string, { baselineRounds: number[]; candidateRounds: number[]; comparison: Comparison }>> {
  const rounds = new Map(ids.map((id) => [id, { a: [] as number[], b: [] as number[] }]));
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((x, y) => x - y);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  for (let round = 0; round < options.rounds; round++) {
    for (const id of ids) {
      const slowdown = options.slowdown?.id === id ? options.slowdown.fraction : 0;
      const run = (worker: BenchWorker, extra: number) => worker.request<{ samples: number[] }>({ type: 'run', id, warmupMs: round === 0 ? options.sliceMs / 2 : 0, sliceMs: options.sliceMs, slowdown: extra });
      const order = round % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
      for (const side of order) {
        const { samples } = side === 'a' ? await run(baseline, 0) : await run(candidate, slowdown);
        rounds.get(id)![side as 'a' | 'b'].push(median(samples));
      }
    }
    options.onRound?.(round + 1, options.rounds);
  }
  const result = new Map<string, { baselineRounds: number[]; candidateRounds: number[]; comparison: Comparison }>();
  for (const id of ids) {
    const { a, b } = rounds.get(id)!;
    result.set(id, { baselineRounds: a, candidateRounds: b, comparison: comparePaired(a, b, options.settings) });
  }
  return result;
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
    };
  } finally {
    a.close();
    b.close();
  }
}

function deviceOf(ready: ReadyMessage): string {
  return ready.backend.notes.find((n) => n.startsWith('device:')) ?? 'device: CPU';
}
