/**
 * Public API of Jarzynski-weighted Langevin training of energy-based models, with the CD and PCD
 * baselines.
 *
 * The float64 modules (`energy`, `gaussian`, `gmm`, `mlp`, `walkers`, `float64-system`) import no
 * tensor code. The TensorFlow.js ones are exported from `./tensor`, so float64 users do not load
 * tfjs.
 */
export type { Float64Energy } from './energy';
export { JarzynskiSettingsError, type SettingsErrorCode } from './errors';
export { Float64System, gmmLearningRates, type Float64SystemOptions } from './float64-system';
export { GaussianEnergy, gaussianLogPartition, sampleGaussian, type GaussianParams } from './gaussian';
export {
  GaussianMixtureEnergy,
  gmmLogPartition,
  meanEnergy,
  modeMasses,
  sampleGaussianMixture,
  sampleGaussianMixtureSplit,
  weightedResponsibilities,
  type GmmParams,
  type MixtureSample,
} from './gmm';
export { crossEntropyEstimate, logPartitionEstimate, logSumExp, normalizedWeights, relativeWeightStd, summarizeWeights, type WeightSummary } from './logweights';
export { MlpEnergy, SILU, confinementLogPartition, initMlpParams, type Activation, type DenseLayer, type MlpParams, type MlpShape } from './mlp';
export { fillStandardNormal } from './noise';
export { resampleIndices, shouldResample, validateTrigger, type ResamplingScheme, type ResamplingTrigger } from './resampling';
export { TRAINING_METHODS, resampleSystem, train, validateSettings, type StepRecord, type TrainingMethod, type TrainingResult, type TrainingSettings, type WalkerSystem } from './trainer';
export { WalkerPopulation, addJarzynskiIncrements, logKernelIncrement, ulaProposal, type WeightMode } from './walkers';
