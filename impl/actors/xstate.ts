/**
 * Agents written as XState v5 machines, run through XState's pure `transition` function.
 *
 * Delivering a message sends the machine an event made of the payload plus `from`; the machine
 * sends messages by emitting `{ type: 'net.send', to, payload }`, which `transition` returns as
 * data without executing anything. Snapshots are immutable, so the runtime keeps them as agent
 * states directly. Machines must not spawn children or use delayed transitions.
 */
import { initialTransition, transition, type AnyStateMachine, type SnapshotFrom } from 'xstate';
import type { ActorBehavior, ActorId, Outgoing, Payload } from './types';

/** Event a machine receives for a delivered message. */
export type NetworkEvent = Payload & { from: ActorId };

/** What a machine emits to send a message. */
export interface NetSend {
  type: 'net.send';
  to: ActorId;
  payload: Payload;
}

/** Builds an agent behaviour from a machine whose input is `{ self, agents }` plus `extraInput`. */
export function machineBehavior<M extends AnyStateMachine>(machine: M, extraInput: Record<string, unknown> = {}): ActorBehavior<SnapshotFrom<M>> {
  return {
    init(self, agents) {
      const start = initialTransition as (logic: AnyStateMachine, input: unknown) => [SnapshotFrom<M>, unknown[]];
      return start(machine, { self, agents, ...extraInput })[0];
    },
    receive(state, message) {
      const [next, actions] = transition(machine, state, { ...message.payload, from: message.from } as never);
      if ((next as { status?: string }).status === 'error') {
        throw new Error(`machine ${machine.id} failed on ${message.payload.type} from ${message.from}: ${String((next as { error?: unknown }).error)}`);
      }
      const outbox: Outgoing[] = [];
      for (const action of actions as { type: string; params?: { event?: NetSend } }[]) {
        if (action.type !== 'xstate.emit') continue;
        const event = action.params?.event;
        if (event?.type === 'net.send') outbox.push({ to: event.to, payload: event.payload });
      }
      return { state: next as SnapshotFrom<M>, outbox };
    },
    fingerprint: (state) => JSON.stringify({ value: (state as { value: unknown }).value, context: (state as { context: unknown }).context }),
  };
}
