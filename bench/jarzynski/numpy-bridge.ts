/**
 * Runs the NumPy version of the weighted step (`numpy_step.py`) in a Python subprocess, for the
 * side-by-side timing. The suite never depends on Python: when no interpreter with NumPy is found,
 * `startNumpyStep` returns the reason and the comparison is skipped.
 *
 * The subprocess runs with one BLAS/OpenMP thread, so both sides use one core.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { GmmParams } from '../../impl/jarzynski/gmm';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'numpy_step.py');
const SINGLE_THREAD = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

/** A running NumPy step process. */
export interface NumpyStep {
  /** Version of NumPy in the subprocess. */
  version: string;
  /** Python interpreter used. */
  python: string;
  /** Runs `steps` weighted steps; returns each step's time in milliseconds, measured in Python. */
  run(steps: number): Promise<number[]>;
  close(): void;
}

/** Result of {@link startNumpyStep}: the process, or why there is none. */
export type NumpyStart = { ok: true; step: NumpyStep } | { ok: false; reason: string };

/**
 * Starts the NumPy step for a mixture with these parameters and walkers.
 *
 * @param python - interpreter to use (default `PAPERPROOF_PYTHON`, else `python3`)
 */
export async function startNumpyStep(params: GmmParams, dim: number, walkers: number, stepSize: number, seed: number, python = process.env.PAPERPROOF_PYTHON ?? 'python3'): Promise<NumpyStart> {
  const probe = spawnSync(python, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, ...SINGLE_THREAD } });
  if (probe.error !== undefined) return { ok: false, reason: `no Python interpreter '${python}' (${probe.error.message}); install python3 and python3-numpy, or set PAPERPROOF_PYTHON` };
  if (probe.status !== 0) return { ok: false, reason: `'${python}' has no NumPy (${probe.stderr.trim().split('\n').pop() ?? 'import failed'}); install python3-numpy` };

  const child = spawn(python, [SCRIPT], { env: { ...process.env, ...SINGLE_THREAD }, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout });
  const pending: ((line: string) => void)[] = [];
  let failure: string | null = null;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  lines.on('line', (line) => pending.shift()?.(line));
  child.on('exit', (code) => {
    failure = `the NumPy step process exited with code ${code}: ${stderr.trim().split('\n').pop() ?? ''}`;
    for (const resolve of pending.splice(0)) resolve('');
  });

  const request = async (message: object): Promise<Record<string, unknown>> => {
    if (failure !== null) throw new Error(failure);
    hold(child, true);
    try {
      const line = await new Promise<string>((resolve) => {
        pending.push(resolve);
        child.stdin.write(`${JSON.stringify(message)}\n`);
      });
      if (line === '') throw new Error(failure ?? 'the NumPy step process closed its output');
      return JSON.parse(line) as Record<string, unknown>;
    } finally {
      hold(child, false);
    }
  };

  try {
    const ready = await request({ dim, walkers, means: [...params.means], logits: [...params.logits], stepSize, seed });
    const step: NumpyStep = {
      version: String(ready.numpy),
      python,
      run: async (steps) => ((await request({ steps })).seconds as number[]).map((s) => s * 1000),
      close: () => {
        child.stdin.end();
        child.kill();
      },
    };
    return { ok: true, step };
  } catch (error) {
    child.kill();
    return { ok: false, reason: (error as Error).message };
  }
}

/**
 * Keeps the event loop alive while a request is in flight, and lets the process exit otherwise,
 * so an unclosed NumPy process never keeps the suite running.
 */
function hold(child: ChildProcessWithoutNullStreams, active: boolean): void {
  // The pipes are sockets, which have ref() and unref(); the stream types do not declare them.
  const pipes = [child.stdout, child.stderr] as unknown as { ref(): void; unref(): void }[];
  if (active) {
    child.ref();
    for (const pipe of pipes) pipe.ref();
  } else {
    child.unref();
    for (const pipe of pipes) pipe.unref();
  }
}
