/**
 * Self-tests of tensor backend selection: the wasm fallback shim, the record of kernels that fell
 * back, errors for unknown and missing backends, and agreement of cpu and wasm on the same input.
 */
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { compareArrays, toleranceFor } from '../numeric';
import { Rng } from '../rng';
import { backendRecord, selectBackend, selectBackendFromEnv, tf } from './backend';

const require = createRequire(import.meta.url);
function installed(packageName: string): boolean {
  try {
    require.resolve(packageName);
    return true;
  } catch {
    return false;
  }
}

describe('tensor backends', () => {
  test('harness/tensor wasm shim runs UnsortedSegmentSum', async () => {
    const record = await selectBackend('wasm');
    expect(record.used).toBe('wasm');
    const wasmKernels = tf.getKernelsForBackend('wasm').map((k) => k.kernelName);
    expect(wasmKernels).toContain('UnsortedSegmentSum');

    const sums = tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4]), tf.tensor1d([0, 1, 0, 1], 'int32'), 2);
    expect(Array.from(sums.dataSync())).toEqual([4, 6]);
    expect(backendRecord()!.fallbackKernels).toContain('UnsortedSegmentSum');

    // The gradient of gather needs UnsortedSegmentSum, so it too runs through the shim.
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.gather(x, tf.tensor1d([0, 0, 2], 'int32'))))(tf.tensor1d([5, 6, 7]));
    expect(Array.from(gradient.dataSync())).toEqual([2, 0, 1]);
  });

  test('harness/tensor unknown backend name rejected', async () => {
    await expect(selectBackend('gpu' as never)).rejects.toThrow(/--backend must be auto, tensorflow-gpu, tensorflow, wasm, cpu; got 'gpu'/);
    await expect(selectBackendFromEnv({ PAPERPROOF_BACKEND: 'webgl' })).rejects.toThrow(/got 'webgl'/);
  });

  test('harness/tensor missing native backend explained', async () => {
    // The suite never depends on tfjs-node; where a user installed it, selecting it must work instead.
    if (installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu')) {
      const record = await selectBackend('tensorflow');
      expect(record.used).toBe('tensorflow');
      return;
    }
    await expect(selectBackend('tensorflow')).rejects.toThrow(
      /backend 'tensorflow' is not available: @tensorflow\/tfjs-node is not installed; @tensorflow\/tfjs-node-gpu is not installed\. Install it with `npm install --no-save @tensorflow\/tfjs-node@4\.22\.0`/,
    );
    if (!installed('@tensorflow/tfjs-node-gpu')) {
      await expect(selectBackend('tensorflow-gpu')).rejects.toThrow(/@tensorflow\/tfjs-node-gpu is not installed.*CUDA 11\.2 and cuDNN 8\.1/);
    }
    // A failed request leaves the previous backend in place.
    expect(tf.getBackend()).toBe('wasm');
  });

  test('harness/tensor cpu and wasm agree on matMul', async () => {
    const rng = new Rng(5);
    const a = Array.from({ length: 64 * 48 }, () => rng.normal());
    const b = Array.from({ length: 48 * 32 }, () => rng.normal());
    const product = async (backend: 'cpu' | 'wasm') => {
      await selectBackend(backend);
      return tf.matMul(tf.tensor2d(a, [64, 48]), tf.tensor2d(b, [48, 32])).dataSync();
    };
    const onWasm = await product('wasm');
    const onCpu = await product('cpu');
    expect(backendRecord()!.used).toBe('cpu');
    // Fallbacks recorded under wasm do not apply to cpu.
    expect(backendRecord()!.fallbackKernels).toEqual([]);
    const comparison = compareArrays(onWasm, onCpu, toleranceFor('float32', 'float32', { reductionLength: 48 }));
    expect(comparison.ok, `max abs error ${comparison.maxAbsError}`).toBe(true);
  });
});
