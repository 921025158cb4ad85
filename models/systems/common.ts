/**
 * Pieces shared by the systems under test: harnesses, client payloads and the key-value model they
 * are checked against.
 */
import { kvModel } from '../kv';
import type { Harness, HarnessOperation, Payload, SystemDefinition } from '../../impl/actors/types';

/** The key every harness operates on, like DS2's harness files. */
export const KEY = 'k';

/** DS2's harnesses (two reads and one write, two reads and two writes), a smaller and a larger one. */
export const HARNESSES: readonly Harness[] = [
  { name: '1R+1W', operations: [put('1'), get()] },
  { name: '2R+1W', operations: [put('1'), get(), get()] },
  { name: '2R+2W', operations: [put('1'), put('2'), get(), get()] },
  { name: '3R+2W', operations: [put('1'), put('2'), get(), get(), get()] },
];

function put(value: string): HarnessOperation {
  return { f: 'put', key: KEY, value };
}
function get(): HarnessOperation {
  return { f: 'get', key: KEY };
}

/**
 * Returns the harness called `name`.
 *
 * @throws Error listing the known names.
 */
export function harnessByName(name: string): Harness {
  const harness = HARNESSES.find((h) => h.name === name);
  if (harness === undefined) throw new Error(`unknown harness '${name}'; choose one of ${HARNESSES.map((h) => h.name).join(', ')}`);
  return harness;
}

/** Client requests and the agents' replies to clients, common to every system. */
export const clientProtocol: Pick<SystemDefinition, 'model' | 'invocation' | 'target' | 'output'> = {
  model: kvModel,
  invocation(operation: HarnessOperation, op: number): Payload {
    return operation.f === 'put' ? { type: 'Write', key: operation.key, value: operation.value ?? '', op } : { type: 'Read', key: operation.key, op };
  },
  target: (op, agents) => agents[op % agents.length]!,
  output(payload: Payload): unknown {
    return payload.type === 'ReadAck' ? String(payload.value ?? '') : null;
  },
};

/** Reply to client `op`. */
export function reply(op: number, payload: Payload): { to: string; payload: Payload } {
  return { to: `c${op}`, payload };
}

/** Majority of `n` agents. */
export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}
