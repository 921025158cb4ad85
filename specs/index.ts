/**
 * Every method spec, and the list of the eleven method ids with the ones implemented so far.
 */
import type { MethodId, MethodSpec } from '../harness/spec';
import { linearizabilitySpec } from './linearizability';
import { constraintsSpec } from './constraints';
import { lgcnSpec } from './lgcn';
import { clustergcnSpec } from './clustergcn';
import { jarzynskiSpec } from './jarzynski';

/** All eleven methods, in the order of the design document, with one-line titles. */
export const METHODS: readonly { id: MethodId; title: string }[] = [
  { id: 'jarzynski', title: 'Jarzynski-weighted Langevin training of energy-based models' },
  { id: 'constraints', title: 'Hard convex constraints on network outputs' },
  { id: 'linearizability', title: 'Linearizability checking and actor-system exploration (DS2)' },
  { id: 'ernerf', title: 'ER-NeRF tri-plane hash, region attention and pose encoding' },
  { id: 'gear', title: 'GEAR query–tool grounding' },
  { id: 'naswot', title: 'Training-free architecture search (NASWOT)' },
  { id: 'deepthin', title: 'Wide-then-thin layer-wise imitation' },
  { id: 'lgcn', title: 'Layer-wise GCN training (L-GCN, L²-GCN)' },
  { id: 'clustergcn', title: 'Cluster-GCN' },
  { id: 'xlnet', title: 'XLNet two-stream permutation language model' },
  { id: 'dcunet', title: 'Deep Complex U-Net for speech enhancement' },
];

/** Specs of the methods the suite implements. */
export const SPECS: readonly MethodSpec[] = [jarzynskiSpec, constraintsSpec, linearizabilitySpec, lgcnSpec, clustergcnSpec];

/** Returns the spec of `id`, or undefined when the method is not implemented yet. */
export function specOf(id: string): MethodSpec | undefined {
  return SPECS.find((spec) => spec.id === id);
}

/**
 * Parses a comma-separated list of method ids (`--method`).
 *
 * @throws Error naming an unknown id and listing the known ones, or naming a method that has no
 *   implementation yet.
 */
export function parseMethodList(raw: string): MethodSpec[] {
  const ids = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (ids.length === 0) throw new Error(`--method needs at least one method id; known ids: ${METHODS.map((m) => m.id).join(', ')}`);
  const specs: MethodSpec[] = [];
  for (const id of ids) {
    if (!METHODS.some((m) => m.id === id)) throw new Error(`unknown method '${id}'; known ids: ${METHODS.map((m) => m.id).join(', ')}`);
    const spec = specOf(id);
    if (spec === undefined) throw new Error(`method '${id}' has no implementation yet; implemented: ${SPECS.map((s) => s.id).join(', ')}`);
    if (!specs.includes(spec)) specs.push(spec);
  }
  return specs;
}
