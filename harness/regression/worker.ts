/**
 * A benchmark worker: a child process that loads the speed suites of one source tree (the current
 * one, or another revision checked out beside it) and times slices of them on request, so that two
 * revisions can be measured interleaved by one parent. The timing code is always the current
 * tree's; the code under test is the tree's own.
 *
 * Messages from the parent:
 * - `{ type: 'prepare', methods, profile, seed, data }` → `{ type: 'ready', tasks, backend, version, revision }`
 * - `{ type: 'run', id, warmupMs, sliceMs, slowdown }` → `{ type: 'samples', id, samples }`
 * - `{ type: 'exit' }`
 * Any failure is answered with `{ type: 'error', message }`.
 *
 * `slowdown` is a test-only hook for calibration: after each call the worker busy-waits for that
 * fraction of the call's own duration, which slows that benchmark by exactly that fraction.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { timeSliceAsync } from '../bench';
import type { BenchTask, MethodRunner, RunContext } from '../runner';

export interface PrepareMessage {
  type: 'prepare';
  methods: string[];
  profile: 'quick' | 'full';
  seed: number;
  data: string | null;
  backend: string;
}

export interface RunMessage {
  type: 'run';
  id: string;
  warmupMs: number;
  sliceMs: number;
  slowdown: number;
}

export interface ReadyMessage {
  type: 'ready';
  tasks: { id: string; unit: string; description?: string; data: string }[];
  backend: { requested: string; used: string; fallbackKernels: string[]; notes: string[] };
  version: string;
  revision: string | null;
}

/** Runs the worker loop for source tree `root` (called in the child process). */
export function runWorker(root: string): void {
  const tasks = new Map<string, BenchTask>();
  const send = (message: unknown) => process.send?.(message);

  process.on('message', (raw: PrepareMessage | RunMessage | { type: 'exit' }) => {
    void (async () => {
      try {
        if (raw.type === 'exit') process.exit(0);
        if (raw.type === 'prepare') send(await prepare(root, raw, tasks));
        if (raw.type === 'run') {
          const task = tasks.get(raw.id);
          if (task === undefined) throw new Error(`no benchmark '${raw.id}' in ${root}`);
          const timed = raw.slowdown > 0 ? slowed(task, raw.slowdown) : task;
          send({ type: 'samples', id: raw.id, samples: await timeSliceAsync(timed, raw.warmupMs, raw.sliceMs) });
        }
      } catch (error) {
        send({ type: 'error', message: (error as Error).stack ?? String(error) });
      }
    })();
  });
}

async function prepare(root: string, message: PrepareMessage, tasks: Map<string, BenchTask>): Promise<ReadyMessage> {
  const load = async <T>(relative: string): Promise<T> => {
    const path = join(root, relative);
    if (!existsSync(path)) throw new Error(`${root} has no ${relative}; the revision predates paperproof's speed suites, so it cannot be compared`);
    return (await import(pathToFileURL(path).href)) as T;
  };
  const registry = await load<{ loadRunner(id: string): Promise<MethodRunner> }>('bench/index.ts');
  const specs = await load<{ SPECS: readonly { id: string; benchmarks: readonly { id: string; unit: string; description: string }[] }[] }>('specs/index.ts');
  const rngModule = await load<{ Rng: new (seed: number) => unknown }>('harness/rng.ts');
  const seedModule = await load<{ deriveSeed(master: number, label: string): number }>('harness/seed.ts');

  let backend: ReadyMessage['backend'] = { requested: message.backend, used: 'none', fallbackKernels: [], notes: ['no selected method uses tensors'] };
  const ready: ReadyMessage['tasks'] = [];
  const silent = { error() {}, warn() {}, info() {}, debug() {}, child: () => silent };
  for (const method of message.methods) {
    const runner = await registry.loadRunner(method);
    if (runner.usesTensors) {
      const tensor = await load<{ selectBackend(name: string): Promise<ReadyMessage['backend']>; backendRecord(): ReadyMessage['backend'] | null }>('harness/tensor/backend.ts');
      backend = await tensor.selectBackend(message.backend);
    }
    const context: RunContext = {
      profile: message.profile,
      seed: message.seed,
      rng: (label) => new rngModule.Rng(seedModule.deriveSeed(message.seed, label)) as never,
      data: message.data === null ? null : { dir: message.data, source: 'option' },
      options: {},
      log: silent,
      progress: () => {},
    };
    const spec = specs.SPECS.find((s) => s.id === method);
    for (const task of await runner.benchmarks(context)) {
      tasks.set(task.id, task);
      const declared = spec?.benchmarks.find((b) => b.id === task.id);
      ready.push({ id: task.id, unit: declared?.unit ?? 'ms', description: declared?.description, data: task.data });
    }
  }

  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  let revision: string | null = null;
  try {
    revision = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    revision = null;
  }
  return { type: 'ready', tasks: ready, backend, version, revision };
}

/** Wraps a task so that each call takes `fraction` longer, by busy-waiting after it. */
function slowed(task: BenchTask, fraction: number): BenchTask {
  return {
    ...task,
    fn: () => {
      const started = performance.now();
      const pause = () => {
        const until = performance.now() + (performance.now() - started) * fraction;
        while (performance.now() < until) {
          // Busy wait: sleeping would free the core and change what is measured.
        }
      };
      const result = task.fn();
      if (result instanceof Promise) return result.then((value) => (pause(), value));
      pause();
      return result;
    },
  };
}
