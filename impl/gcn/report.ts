/**
 * The report of a training run of any of the three methods, and how its memory is measured.
 */
import { tf } from '../../harness/tensor/backend';
import { nnz, type CsrMatrix } from '../graph/csr';

/** Outcome of one training run. */
export interface TrainingReport {
  method: string;
  /** Epochs run (for L-GCN the sum over layers). */
  epochs: number;
  /** Wall time of each epoch, in milliseconds. */
  epochMillis: number[];
  /** Wall time of the whole training call, preprocessing included, in milliseconds. */
  trainingMillis: number;
  /** Part of `trainingMillis` spent before the first epoch (normalisation, partitioning, precomputed aggregation), in milliseconds. */
  preprocessingMillis: number;
  /**
   * Peak bytes of live tensors during the profiled epochs (tf.profile's `peakBytes`), plus the
   * bytes of the sparse adjacency the step multiplies by: the analogue of GPU memory in use.
   */
  peakTrainingBytes: number;
  accuracy: { train: number; validation: number; test: number };
  /** Training loss at the end. */
  finalLoss: number;
  notes: string[];
}

/** Returns the bytes of a CSR matrix as the aggregation kernel stores it (int32 indices and pointers, float64 values). */
export function csrBytes(m: CsrMatrix): number {
  return 4 * (m.rows + 1) + 12 * nnz(m);
}

/**
 * Runs `step` under tf.profile and returns its peak live-tensor bytes.
 */
export async function profilePeakBytes(step: () => void): Promise<number> {
  const info = await tf.profile(() => {
    step();
  });
  return info.peakBytes;
}

/** Returns the median of `values` (NaN for none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
