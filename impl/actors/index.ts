/**
 * Public API of the actor runtime and schedule explorers (the exploration half of DS2).
 */
export { ActorSystem, DEFAULT_CONFIG, NO_FAULTS, type FaultBudget, type NetworkMode, type RuntimeConfig, type SystemState, type Transition } from './runtime';
export type { ActorBehavior, ActorId, Harness, HarnessOperation, Message, Outgoing, Payload, SystemDefinition } from './types';
export { machineBehavior } from './xstate';
export { EXPLORERS, explorerByName, type ExplorerEntry } from './explorers/index';
export type { ExplorationResult, ExploreOptions, Violation } from './session';
export { decodeToken, encodeToken, type ReplayToken } from './token';
export { minimizeSchedule, replayChoices, replaySteps } from './replay';
export { historyOf, historyKey } from './history';
