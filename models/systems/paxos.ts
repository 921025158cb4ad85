/**
 * Multi-Paxos with a stable leader, used as a register. Agent n0 is the distinguished proposer;
 * other agents forward client requests to it. On its first request the leader runs phase 1
 * (prepare/promise) once for all slots with ballot (1, 0), adopting any command an acceptor
 * already accepted; then every command gets the next log slot and goes through phase 2
 * (accept/accepted). Both phases wait for a majority of acceptors, the leader included. A chosen
 * command is announced to every learner; learners apply the log in slot order, and the leader
 * answers a client when it applies the client's command (a read returns the value at that point).
 * Commands are totally ordered by slot and each is chosen between its request and its answer, so
 * the register is linearizable.
 */
import type { ActorBehavior, Outgoing, Payload, SystemDefinition } from '../../impl/actors/types';
import { clientProtocol, majority, reply } from './common';

interface Command {
  op: number;
  f: 'put' | 'get';
  key: string;
  value: string;
}

const BALLOT = 1;

interface PaxosState {
  self: string;
  agents: readonly string[];
  // Acceptor.
  promised: number;
  accepted: Readonly<Record<number, Command>>;
  // Leader.
  promises: readonly string[];
  /** Commands waiting for phase 1 to finish. */
  queued: readonly Command[];
  nextSlot: number;
  accepts: Readonly<Record<number, readonly string[]>>;
  proposed: Readonly<Record<number, Command>>;
  // Learner.
  decided: Readonly<Record<number, Command>>;
  applied: number;
  store: Readonly<Record<string, string>>;
}

const behavior: ActorBehavior<PaxosState> = {
  init: (self, agents) => ({ self, agents, promised: 0, accepted: {}, promises: [], queued: [], nextSlot: 0, accepts: {}, proposed: {}, decided: {}, applied: 0, store: {} }),

  receive(state, message, self) {
    const p = message.payload;
    const leader = state.agents[0]!;
    const others = state.agents.filter((a) => a !== self);
    const needed = majority(state.agents.length);
    const outbox: Outgoing[] = [];
    let s = state;

    /** Leader: phase 2 for a command in the next slot (it accepts its own proposal at once). */
    const propose = (current: PaxosState, command: Command): PaxosState => {
      const slot = current.nextSlot;
      for (const other of others) outbox.push({ to: other, payload: { type: 'Accept', slot, ballot: BALLOT, command } });
      const next: PaxosState = { ...current, nextSlot: slot + 1, proposed: { ...current.proposed, [slot]: command }, accepted: { ...current.accepted, [slot]: command }, accepts: { ...current.accepts, [slot]: [self] } };
      return next.accepts[slot]!.length >= needed ? choose(next, slot) : next;
    };

    /** Leader: a majority accepted `slot`; announce it and learn it. */
    const choose = (current: PaxosState, slot: number): PaxosState => {
      const command = current.proposed[slot]!;
      for (const other of others) outbox.push({ to: other, payload: { type: 'Decide', slot, command } });
      return learn(current, slot, command);
    };

    /** Learner: record a decision and apply the log in slot order. */
    const learn = (current: PaxosState, slot: number, command: Command): PaxosState => {
      if (current.decided[slot] !== undefined) return current;
      let next: PaxosState = { ...current, decided: { ...current.decided, [slot]: command } };
      while (next.decided[next.applied] !== undefined) {
        const entry = next.decided[next.applied]!;
        if (entry.f === 'put') next = { ...next, store: { ...next.store, [entry.key]: entry.value } };
        if (self === leader) outbox.push(reply(entry.op, entry.f === 'put' ? { type: 'WriteAck', op: entry.op } : { type: 'ReadAck', op: entry.op, value: next.store[entry.key] ?? '' }));
        next = { ...next, applied: next.applied + 1 };
      }
      return next;
    };

    switch (p.type) {
      case 'Write':
      case 'Read': {
        if (self !== leader) return { state, outbox: [{ to: leader, payload: p }] };
        const command: Command = { op: Number(p.op), f: p.type === 'Write' ? 'put' : 'get', key: String(p.key), value: String(p.value ?? '') };
        if (s.promises.length >= needed) return { state: propose(s, command), outbox };
        if (s.promises.length === 0) {
          // First request: phase 1 for every slot, the leader promising to itself.
          s = { ...s, promised: BALLOT, promises: [self] };
          for (const other of others) outbox.push({ to: other, payload: { type: 'Prepare', ballot: BALLOT } });
        }
        s = { ...s, queued: [...s.queued, command] };
        if (s.promises.length >= needed) s = drain(s);
        return { state: s, outbox };
      }
      case 'Prepare': {
        const ok = Number(p.ballot) >= s.promised;
        if (ok) s = { ...s, promised: Number(p.ballot) };
        outbox.push({ to: message.from, payload: ok ? { type: 'Promise', ballot: p.ballot, accepted: s.accepted } : { type: 'Nack', ballot: s.promised } });
        return { state: s, outbox };
      }
      case 'Promise': {
        if (s.promises.includes(message.from) || s.promises.length >= needed) return { state, outbox };
        // Adopt commands the acceptor already accepted (none while the leader is stable).
        const reported = p.accepted as Record<string, Command>;
        let nextSlot = s.nextSlot;
        for (const slot of Object.keys(reported)) nextSlot = Math.max(nextSlot, Number(slot) + 1);
        s = { ...s, promises: [...s.promises, message.from], nextSlot };
        if (s.promises.length >= needed) s = drain(s);
        return { state: s, outbox };
      }
      case 'Accept': {
        const ok = Number(p.ballot) >= s.promised;
        if (ok) s = { ...s, promised: Number(p.ballot), accepted: { ...s.accepted, [Number(p.slot)]: p.command as Command } };
        outbox.push({ to: message.from, payload: ok ? { type: 'Accepted', slot: p.slot, ballot: p.ballot } : { type: 'Nack', ballot: s.promised } });
        return { state: s, outbox };
      }
      case 'Accepted': {
        const slot = Number(p.slot);
        const accepts = s.accepts[slot] ?? [];
        if (accepts.includes(message.from) || accepts.length >= needed) return { state, outbox };
        s = { ...s, accepts: { ...s.accepts, [slot]: [...accepts, message.from] } };
        if (s.accepts[slot]!.length >= needed) s = choose(s, slot);
        return { state: s, outbox };
      }
      case 'Decide':
        return { state: learn(s, Number(p.slot), p.command as Command), outbox };
      case 'Nack':
        // Only one proposer exists, so no ballot can overtake the leader's.
        throw new Error(`paxos agent ${self} got a Nack although n0 is the only proposer`);
      default:
        throw new Error(`paxos agent ${self} got an unknown message type '${p.type}'`);
    }

    /** Leader: phase 1 done; propose every queued command. */
    function drain(current: PaxosState): PaxosState {
      let next: PaxosState = { ...current, queued: [] };
      for (const command of current.queued) next = propose(next, command);
      return next;
    }
  },
};

/** Multi-Paxos with a stable leader used as a register (correct). */
export const paxosRegister: SystemDefinition = {
  name: 'paxos',
  description: 'Multi-Paxos with a stable leader used as a register: each request is chosen into a log slot, applied in slot order, and answered by the leader',
  correct: true,
  bugs: [],
  agents: 2,
  behavior: () => behavior,
  // Every Paxos message touches the shared log, so for LiViola all of them concern every key.
  keyOf: (payload: Payload) => (payload.type === 'Write' || payload.type === 'Read' ? (payload.key as string) : '*'),
  ...clientProtocol,
};
