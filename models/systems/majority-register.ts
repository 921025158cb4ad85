/**
 * Leaderless majority read/write register (Attiya, Bar-Noy and Dolev's algorithm), DS2's second
 * register. Every agent keeps a value with a timestamp (counter, writer). The agent that receives
 * a client request coordinates it in two rounds, each waiting for a majority of agents (itself
 * included): a query round that finds the highest timestamp, then an update round that stores
 * either the new value with a higher timestamp (write) or the value found, written back (read).
 * Because every read writes back what it returns, the register is linearizable.
 */
import type { ActorBehavior, Outgoing, Payload, SystemDefinition } from '../../impl/actors/types';
import { clientProtocol, majority, reply } from './common';

type Timestamp = readonly [number, number];

interface Entry {
  value: string;
  ts: Timestamp;
}

interface Coordination {
  kind: 'write' | 'read';
  key: string;
  value: string;
  phase: 1 | 2;
  replies: readonly string[];
  best: Entry;
  done: boolean;
}

interface MajorityState {
  index: number;
  agents: readonly string[];
  store: Readonly<Record<string, Entry>>;
  ops: Readonly<Record<number, Coordination>>;
}

const ZERO: Entry = { value: '', ts: [0, -1] };

const newer = (a: Timestamp, b: Timestamp) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

const behavior: ActorBehavior<MajorityState> = {
  init: (self, agents) => ({ index: agents.indexOf(self), agents, store: {}, ops: {} }),

  receive(state, message, self) {
    const p = message.payload;
    const op = Number(p.op);
    const key = String(p.key ?? '');
    const needed = majority(state.agents.length);
    const others = state.agents.filter((a) => a !== self);
    const local = (k: string) => state.store[k] ?? ZERO;
    const outbox: Outgoing[] = [];

    /** Starts round 2 of `coordination` (stores locally, then asks the others). */
    const startUpdate = (s: MajorityState, c: Coordination): MajorityState => {
      const entry: Entry = c.kind === 'write' ? { value: c.value, ts: [c.best.ts[0] + 1, s.index] } : c.best;
      const store = newer(entry.ts, local(c.key).ts) ? { ...s.store, [c.key]: entry } : s.store;
      const next: Coordination = { ...c, phase: 2, replies: [self], best: entry, done: needed <= 1 };
      if (needed <= 1) outbox.push(respond(op, next));
      for (const other of others) outbox.push({ to: other, payload: { type: 'Update', key: c.key, value: entry.value, ts: [...entry.ts], op } });
      return { ...s, store, ops: { ...s.ops, [op]: next } };
    };

    switch (p.type) {
      case 'Write':
      case 'Read': {
        const c: Coordination = { kind: p.type === 'Write' ? 'write' : 'read', key, value: String(p.value ?? ''), phase: 1, replies: [self], best: local(key), done: false };
        if (needed <= 1) return { state: startUpdate(state, c), outbox };
        for (const other of others) outbox.push({ to: other, payload: { type: 'Query', key, op } });
        return { state: { ...state, ops: { ...state.ops, [op]: c } }, outbox };
      }
      case 'Query': {
        const entry = local(key);
        return { state, outbox: [{ to: message.from, payload: { type: 'QueryReply', key, op, value: entry.value, ts: [...entry.ts] } }] };
      }
      case 'QueryReply': {
        const c = state.ops[op];
        if (c === undefined || c.phase !== 1 || c.replies.includes(message.from)) return { state, outbox };
        const ts = p.ts as unknown as Timestamp;
        const best = newer(ts, c.best.ts) ? { value: String(p.value), ts } : c.best;
        const next: Coordination = { ...c, replies: [...c.replies, message.from], best };
        if (next.replies.length >= needed) return { state: startUpdate(state, next), outbox };
        return { state: { ...state, ops: { ...state.ops, [op]: next } }, outbox };
      }
      case 'Update': {
        const ts = p.ts as unknown as Timestamp;
        const store = newer(ts, local(key).ts) ? { ...state.store, [key]: { value: String(p.value), ts } } : state.store;
        return { state: { ...state, store }, outbox: [{ to: message.from, payload: { type: 'UpdateAck', op } }] };
      }
      case 'UpdateAck': {
        const c = state.ops[op];
        if (c === undefined || c.phase !== 2 || c.done || c.replies.includes(message.from)) return { state, outbox };
        const replies = [...c.replies, message.from];
        const done = replies.length >= needed;
        if (done) outbox.push(respond(op, c));
        return { state: { ...state, ops: { ...state.ops, [op]: { ...c, replies, done } } }, outbox };
      }
      default:
        throw new Error(`majority register agent ${self} got an unknown message type '${p.type}'`);
    }
  },
};

function respond(op: number, c: Coordination): Outgoing {
  return reply(op, c.kind === 'write' ? { type: 'WriteAck', op } : { type: 'ReadAck', op, value: c.best.value });
}

/** DS2's leaderless majority read/write register (DR2). */
export const majorityRegister: SystemDefinition = {
  name: 'majority-register',
  description: 'leaderless majority read/write register (ABD): query a majority for the newest value, then store it at a majority; reads write back',
  correct: true,
  bugs: [],
  agents: 2,
  behavior: () => behavior,
  keyOf: (payload: Payload) => (payload.type === 'UpdateAck' ? undefined : (payload.key as string | undefined)),
  ...clientProtocol,
};
