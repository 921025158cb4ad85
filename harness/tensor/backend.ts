/**
 * Tensor backend selection for TensorFlow.js. This module owns the `tf` instance every numeric
 * method uses.
 *
 * Order (`auto`): `tensorflow-gpu` from `@tensorflow/tfjs-node-gpu`, then `tensorflow` from
 * `@tensorflow/tfjs-node` (both need libtensorflow, the GPU build also CUDA; neither is a
 * dependency, they are loaded only when a user has installed them), then `wasm`
 * (`@tensorflow/tfjs-backend-wasm`, shipped), then `cpu`. On wasm, kernels it lacks and cpu has
 * run on cpu through a registered shim; every kernel that actually falls back is recorded.
 */
import * as tf from '@tensorflow/tfjs';
import { BACKEND_ORDER, type BackendName, type BackendRecord } from './record';

export { tf };
export type { BackendName, BackendRecord } from './record';

/** Kernels the shim cannot bridge, because wasm tensors cannot hold complex64 values. */
const COMPLEX_KERNELS = new Set(['Complex', 'ComplexAbs', 'Real', 'Imag', 'FFT', 'IFFT']);

/** Kernels that ran on cpu through the shim in this process. */
const fallbackUsed = new Set<string>();
let shimInstalled: string[] | null = null;
let selected: BackendRecord | null = null;

/**
 * Parses a `--backend` value.
 *
 * @throws Error naming the value and the accepted names.
 */
export function parseBackendName(raw: string): BackendName | 'auto' {
  if (raw === 'auto' || (BACKEND_ORDER as readonly string[]).includes(raw)) return raw as BackendName | 'auto';
  throw new Error(`--backend must be auto, ${BACKEND_ORDER.join(', ')}; got '${raw}'`);
}

/**
 * Selects and initializes a backend. Calling it again with the same request returns the first
 * record; a different request switches backends.
 *
 * @param requested - a backend name, or `auto` for the first that works in {@link BACKEND_ORDER}
 * @throws Error when the name is unknown, or when an explicitly requested backend cannot start,
 *   with the reason and how to install it.
 */
export async function selectBackend(requested: BackendName | 'auto' = 'auto'): Promise<BackendRecord> {
  parseBackendName(requested);
  if (selected !== null && selected.requested === requested) return selected;

  // Production mode silences tfjs's console advice to install the native backend; the record's
  // notes already say which backends were not used and why.
  tf.enableProdMode();
  const candidates = requested === 'auto' ? BACKEND_ORDER : [requested];
  const notes: string[] = [];
  for (const name of candidates) {
    try {
      const extra = await start(name);
      await tf.ready();
      notes.push(`tfjs ${tf.version.tfjs}`, ...extra);
      // Kernels that fell back under a previous backend say nothing about this one.
      if (selected !== null && selected.used !== name) fallbackUsed.clear();
      selected = { requested, used: name, fallbackKernels: [], notes };
      return selected;
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0]!.slice(0, 300);
      if (requested !== 'auto') throw new Error(`backend '${name}' is not available: ${reason}. ${INSTALL_HINT[name]} Or use --backend auto to fall back to the first backend that works.`);
      notes.push(`${name} not used: ${reason}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start: ${notes.join('; ')}`);
}

/**
 * Selects the backend named by `PAPERPROOF_BACKEND` (default `auto`), which `paperproof run`
 * passes to the vitest process that runs the properties.
 */
export async function selectBackendFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<BackendRecord> {
  const raw = env.PAPERPROOF_BACKEND;
  return selectBackend(parseBackendName(raw === undefined || raw === '' ? 'auto' : raw));
}

/** Returns the current backend record with the kernels that fell back so far. */
export function backendRecord(): BackendRecord | null {
  if (selected === null) return null;
  return { ...selected, fallbackKernels: [...fallbackUsed].sort() };
}

const INSTALL_HINT: Record<BackendName, string> = {
  'tensorflow-gpu':
    'Install it with `npm install --no-save @tensorflow/tfjs-node-gpu@4.22.0` (it needs libtensorflow 2.9.1 with CUDA 11.2 and cuDNN 8.1, and an allowScripts entry in package.json; see the README section on the GPU backend).',
  tensorflow: 'Install it with `npm install --no-save @tensorflow/tfjs-node@4.22.0` (it needs libtensorflow 2.9.1 and an allowScripts entry in package.json; see the README section on the GPU backend).',
  wasm: 'Run `npm ci` to restore @tensorflow/tfjs-backend-wasm, which the suite ships.',
  cpu: 'The cpu backend is part of @tensorflow/tfjs; run `npm ci` to restore it.',
};

async function start(name: BackendName): Promise<string[]> {
  if (name === 'tensorflow-gpu' || name === 'tensorflow') {
    // The CPU build comes from tfjs-node; tfjs-node-gpu also runs on the CPU when it finds no GPU.
    const packages = name === 'tensorflow-gpu' ? ['@tensorflow/tfjs-node-gpu'] : ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];
    const loaded = await importFirst(packages);
    // Each package registers 'tensorflow' with the copy of tfjs-core it resolves; if that is not
    // ours (a version other than the suite's), our tf cannot see the backend.
    if (tf.findBackendFactory('tensorflow') === null) {
      throw new Error(`${loaded} registered its backend with another copy of @tensorflow/tfjs-core; install version ${tf.version.tfjs} so that npm shares one copy`);
    }
    if (!(await tf.setBackend('tensorflow'))) throw new Error('tf.setBackend("tensorflow") failed');
    const usesGpu = (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
    if (name === 'tensorflow-gpu' && !usesGpu) throw new Error('libtensorflow found no GPU device');
    return [`${loaded} loaded`, `device: ${usesGpu ? 'GPU' : 'CPU'}`];
  }

  if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") failed');
    const shimmed = installWasmFallbacks();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    return [`wasm SIMD ${simd ? 'on' : 'off'}, 1 thread (tfjs-backend-wasm runs single-threaded in Node)`, `cpu fallback shim for ${shimmed.length} kernels`];
  }

  if (!(await tf.setBackend('cpu'))) throw new Error('tf.setBackend("cpu") failed');
  return [];
}

/** Imports the first of `packages` that is installed and returns its name. */
async function importFirst(packages: readonly string[]): Promise<string> {
  const reasons: string[] = [];
  for (const packageName of packages) {
    try {
      // A variable specifier keeps bundlers and the type checker from requiring the package.
      await import(/* @vite-ignore */ packageName);
      return packageName;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      reasons.push(code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' ? `${packageName} is not installed` : `${packageName} failed to load (${(error as Error).message.split('\n')[0]})`);
    }
  }
  throw new Error(reasons.join('; '));
}

/**
 * Registers, for each kernel that cpu has and wasm lacks (except complex ones), a wasm kernel
 * that copies the inputs to cpu, runs the cpu kernel and copies the outputs back.
 *
 * @returns names of the kernels bridged
 */
function installWasmFallbacks(): string[] {
  if (shimInstalled !== null) return shimInstalled;
  const cpu = tf.findBackend('cpu') as unknown as CpuLike;
  const wasm = tf.findBackend('wasm') as unknown as WasmLike;
  const wasmKernels = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  const bridged: string[] = [];

  for (const kernel of tf.getKernelsForBackend('cpu')) {
    if (wasmKernels.has(kernel.kernelName) || COMPLEX_KERNELS.has(kernel.kernelName)) continue;
    const cpuKernel = kernel.kernelFunc;
    tf.registerKernel({
      kernelName: kernel.kernelName,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs }) => {
        fallbackUsed.add(kernel.kernelName);
        const copies: tf.TensorInfo[] = [];
        const toCpu = (t: tf.TensorInfo): tf.TensorInfo => {
          const copy = { dataId: cpu.write(wasm.readSync(t.dataId), t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
          copies.push(copy);
          return copy;
        };
        const cpuInputs: Record<string, tf.TensorInfo | tf.TensorInfo[]> = {};
        for (const [key, value] of Object.entries(inputs)) {
          cpuInputs[key] = Array.isArray(value) ? (value as tf.TensorInfo[]).map(toCpu) : toCpu(value as tf.TensorInfo);
        }
        const output = cpuKernel({ inputs: cpuInputs as tf.NamedTensorInfoMap, attrs, backend: cpu as unknown as tf.KernelBackend });
        const outputs = Array.isArray(output) ? output : [output];
        const results = outputs.map((o) => wasm.makeOutput(o.shape, o.dtype, undefined, cpu.readSync(o.dataId)));
        for (const t of [...copies, ...outputs]) cpu.disposeData(t.dataId);
        return Array.isArray(output) ? results : results[0]!;
      },
    });
    bridged.push(kernel.kernelName);
  }
  shimInstalled = bridged;
  return bridged;
}

interface CpuLike {
  write(values: unknown, shape: number[], dtype: tf.DataType): object;
  readSync(dataId: object): tf.backend_util.BackendValues;
  disposeData(dataId: object): boolean;
}

interface WasmLike {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): tf.TensorInfo;
}
