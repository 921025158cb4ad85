/**
 * What a report records about the tensor backend of a run.
 */

/** Backend names accepted by `--backend`. `auto` tries them in the order of {@link BACKEND_ORDER}. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** Order in which `auto` tries backends: native TensorFlow (GPU, then CPU), then wasm, then cpu. */
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** Backend section of `results.json`. */
export interface BackendRecord {
  /** What the user asked for (`auto` or a backend name). */
  requested: string;
  /** The backend in use (`none` when no method of the run needs tensors). */
  used: string;
  /** Kernels that ran on the cpu backend because the backend in use lacks them. */
  fallbackKernels: string[];
  /** Why other backends were not used, and other facts (tfjs version, SIMD, device). */
  notes: string[];
}

/** Record for a run in which no selected method uses tensors. */
export function noTensorBackend(requested: string): BackendRecord {
  return { requested, used: 'none', fallbackKernels: [], notes: ['no selected method uses tensors'] };
}
