/**
 * Stop policies for layer training: a fixed number of epochs (L-GCN), or the learned controller's
 * decision at a decision epoch (L²-GCN).
 */

/** Epoch figures passed to a stop policy after each epoch. */
export interface EpochInfo {
  /** Layer being trained, 0-based. */
  layer: number;
  /** Epochs completed in this layer, counting the one just finished. */
  epochInLayer: number;
  /** Epochs completed over all layers. */
  globalEpoch: number;
  /** Mean training loss of the epoch just finished. */
  loss: number;
}

/** Decides after each epoch whether the current layer's training ends. */
export interface StopPolicy {
  /** Called when training of `layer` starts. */
  startLayer(layer: number): void;
  /** Returns true to stop training the current layer now. */
  afterEpoch(info: EpochInfo): boolean;
  describe(): string;
}

/** Returns a policy that trains layer `l` for `epochs[l]` epochs (or `epochs` for all). */
export function fixedEpochs(epochs: number | readonly number[]): StopPolicy {
  const per = (layer: number) => (typeof epochs === 'number' ? epochs : epochs[Math.min(layer, epochs.length - 1)]!);
  return {
    startLayer: () => {},
    afterEpoch: (info) => info.epochInLayer >= per(info.layer),
    describe: () => `fixed ${typeof epochs === 'number' ? epochs : epochs.join('/')} epochs per layer`,
  };
}

/** Inputs of the L²-GCN stop rule at a decision epoch. */
export interface StopRuleInput {
  pStop: number;
  threshold: number;
  epochInLayer: number;
  minEpochs: number;
  maxEpochs: number;
}

/**
 * Applies the L²-GCN stop rule at a decision epoch: stop when the controller's stop probability
 * reaches the threshold after more than `minEpochs` epochs in this layer, or in any case once
 * more than `maxEpochs` have run. Decisions come every `decisionStep` epochs, so a layer trains
 * for more than `minEpochs` and at most `maxEpochs + decisionStep` epochs.
 */
export function stopRule(input: StopRuleInput): boolean {
  return (input.pStop >= input.threshold && input.epochInLayer > input.minEpochs) || input.epochInLayer > input.maxEpochs;
}
