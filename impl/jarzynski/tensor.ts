/**
 * Public API of the TensorFlow.js path (float32): tensor energies and the tensor walker system.
 * Importing this module loads tfjs; select a backend first with `selectBackend`.
 */
export { TensorGmmEnergy, TensorMlpEnergy, energyAndGradient, type TensorEnergy } from './tensor-energy';
export { TensorSystem, type TensorOptimizer, type TensorSystemOptions } from './tensor-system';
