/**
 * DS2's distributed register with a fixed leader, written as an XState v5 machine.
 *
 * Agent n0 is the leader; other agents are replicas and forward client requests to it. The leader
 * applies a write to its own store, sends it to every replica, and acknowledges the client once a
 * majority of agents (itself included) hold the value. A read is answered by the leader with its
 * own value after a majority of agents answered a read round. The leader's store is the single
 * point of truth, so the register is linearizable.
 *
 * The erroneous variant carries DS2's two injected bugs: the leader acknowledges a write as soon as
 * the first replica holds it, and that replica is the leader itself (its own local write); and a
 * read is answered from the local copy of whichever agent receives it.
 */
import { assign, emit, enqueueActions, setup } from 'xstate';
import { machineBehavior, type NetSend } from '../../impl/actors/xstate';
import type { Payload, SystemDefinition } from '../../impl/actors/types';
import { clientProtocol, majority } from './common';

interface Pending {
  kind: 'write' | 'read';
  key: string;
  acks: string[];
  done: boolean;
}

interface RegisterContext {
  self: string;
  agents: string[];
  buggy: boolean;
  store: Record<string, string>;
  pending: Record<string, Pending>;
}

type RegisterEvent = Payload & { from: string; key?: string; value?: string; op?: number };

const send = (to: string, payload: Payload): NetSend => ({ type: 'net.send', to, payload });

/** The register agent; `buggy` in the input selects the erroneous variant. */
export const leaderRegisterMachine = setup({
  types: {
    context: {} as RegisterContext,
    input: {} as { self: string; agents: string[]; buggy?: boolean },
    events: {} as RegisterEvent,
    emitted: {} as NetSend,
  },
}).createMachine({
  id: 'leader-register',
  context: ({ input }) => ({ self: input.self, agents: input.agents, buggy: input.buggy === true, store: {}, pending: {} }),
  on: {
    '*': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const leader = context.agents[0]!;
        const isLeader = context.self === leader;
        const others = context.agents.filter((a) => a !== context.self);
        const key = String(event.key ?? '');
        const op = Number(event.op);
        const value = (k: string) => context.store[k] ?? '';
        const needed = majority(context.agents.length);

        const startRead = () => {
          const pending: Pending = { kind: 'read', key, acks: [context.self], done: needed <= 1 };
          enqueue(assign({ pending: { ...context.pending, [op]: pending } }));
          if (needed <= 1) enqueue(emit(send(`c${op}`, { type: 'ReadAck', op, value: value(key) })));
          for (const replica of others) enqueue(emit(send(replica, { type: 'ReadReplica', key, op })));
        };
        const applyWrite = () => {
          const early = context.buggy || needed <= 1;
          const pending: Pending = { kind: 'write', key, acks: [context.self], done: early };
          enqueue(assign({ store: { ...context.store, [key]: String(event.value ?? '') }, pending: { ...context.pending, [op]: pending } }));
          if (early) enqueue(emit(send(`c${op}`, { type: 'WriteAck', op })));
          for (const replica of others) enqueue(emit(send(replica, { type: 'WriteReplica', key, value: event.value, op })));
        };

        switch (event.type) {
          case 'Read':
            if (context.buggy) enqueue(emit(send(`c${op}`, { type: 'ReadAck', op, value: value(key) })));
            else if (isLeader) startRead();
            else enqueue(emit(send(leader, { type: 'FwdRead', key, op })));
            return;
          case 'FwdRead':
            startRead();
            return;
          case 'Write':
            if (isLeader) applyWrite();
            else enqueue(emit(send(leader, { type: 'FwdWrite', key, value: event.value, op })));
            return;
          case 'FwdWrite':
            applyWrite();
            return;
          case 'WriteReplica':
            enqueue(assign({ store: { ...context.store, [key]: String(event.value ?? '') } }));
            enqueue(emit(send(event.from, { type: 'WriteReplicaAck', op })));
            return;
          case 'ReadReplica':
            enqueue(emit(send(event.from, { type: 'ReadReplicaAck', key, op, value: value(key) })));
            return;
          case 'WriteReplicaAck':
          case 'ReadReplicaAck': {
            const pending = context.pending[op];
            if (pending === undefined || pending.acks.includes(event.from)) return;
            const acks = [...pending.acks, event.from];
            const complete = !pending.done && acks.length >= needed;
            enqueue(assign({ pending: { ...context.pending, [op]: { ...pending, acks, done: pending.done || complete } } }));
            if (!complete) return;
            if (pending.kind === 'write') enqueue(emit(send(`c${op}`, { type: 'WriteAck', op })));
            else enqueue(emit(send(`c${op}`, { type: 'ReadAck', op, value: value(pending.key) })));
            return;
          }
        }
      }),
    },
  },
});

/**
 * LiViola keys, following DS2's practice of listing only the messages that interfere with the
 * register: a message carries the key when its handler writes a store (Write, FwdWrite,
 * WriteReplica) or reads one into a client's answer (Read, answered locally by the erroneous
 * variant; ReadReplicaAck, whose last arrival makes the leader answer). Forwarded reads, read
 * rounds and write acknowledgements get no key, so LiViola never reorders them; that is what makes
 * it fast, and what makes it miss histories.
 */
const KEYED = new Set(['Write', 'FwdWrite', 'WriteReplica', 'Read', 'ReadReplicaAck']);
function keyOf(payload: Payload): string | undefined {
  return KEYED.has(payload.type) ? (payload.key as string | undefined) : undefined;
}

/** DS2's correct distributed register (DR). */
export const leaderRegister: SystemDefinition = {
  name: 'register',
  description: "DS2's distributed register: fixed leader, writes acknowledged after a majority stores them, reads served by the leader after a majority round (XState machine)",
  correct: true,
  bugs: [],
  agents: 2,
  behavior: () => machineBehavior(leaderRegisterMachine),
  keyOf,
  ...clientProtocol,
};

/** DS2's erroneous distributed register (EDR). */
export const buggyLeaderRegister: SystemDefinition = {
  name: 'register-buggy',
  description: "DS2's erroneous distributed register: the leader's own write counts as the acknowledging replica, and reads return the local copy of the receiving agent (XState machine)",
  correct: false,
  bugs: ['write acknowledged after the first replica ack (the leader itself)', 'read answered from the local copy of whichever agent receives it'],
  agents: 2,
  behavior: () => machineBehavior(leaderRegisterMachine, { buggy: true }),
  keyOf,
  ...clientProtocol,
};
