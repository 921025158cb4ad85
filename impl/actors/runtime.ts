/**
 * Deterministic actor runtime. A system state is an immutable value: agent states, messages in
 * flight, and the history log. A transition delivers one message (the handler runs to
 * completion and its outgoing messages become data), or applies a bounded fault. Exploring a
 * schedule means choosing, at each step, one of the enabled transitions; old states stay valid,
 * so backtracking needs no restore.
 *
 * Clients are synthetic, one per harness operation. With `invokeAt: 'send'` each client first
 * takes a step that sends its invocation (the call is recorded then); with `invokeAt:
 * 'delivery'`, as in DS2, invocations start in flight and the call is recorded when the target
 * agent receives it. A response to a client is recorded as the operation's return at the step
 * that sends it.
 */
import type { ActorId, Harness, Message, Outgoing, Payload, SystemDefinition } from './types';

/** Network semantics: any message in flight may go next, or only the oldest of each channel. */
export type NetworkMode = 'unordered' | 'fifo';

/** Upper bounds on faults per schedule. */
export interface FaultBudget {
  drops: number;
  duplicates: number;
  crashes: number;
}

export const NO_FAULTS: FaultBudget = Object.freeze({ drops: 0, duplicates: 0, crashes: 0 });

/** Settings that define the state space of a system under a harness. */
export interface RuntimeConfig {
  network: NetworkMode;
  faults: FaultBudget;
  invokeAt: 'send' | 'delivery';
  /** Schedules stop after this many steps (their history then has pending operations). */
  maxSteps: number;
}

export const DEFAULT_CONFIG: RuntimeConfig = Object.freeze({ network: 'unordered', faults: NO_FAULTS, invokeAt: 'send', maxSteps: 400 });

/** One entry of the history log. */
export type LogEvent = { kind: 'call'; op: number; step: number } | { kind: 'return'; op: number; step: number; output: unknown };

/** An immutable state of the whole system. */
export interface SystemState {
  readonly agents: Readonly<Record<ActorId, unknown>>;
  /** Send counters of every actor (agents and clients). */
  readonly sent: Readonly<Record<ActorId, number>>;
  /** Messages in flight, in creation order. */
  readonly inFlight: readonly Message[];
  readonly log: readonly LogEvent[];
  readonly step: number;
  readonly faultsUsed: FaultBudget;
  readonly crashed: readonly ActorId[];
}

/** A schedulable step. */
export type Transition =
  | { kind: 'deliver'; message: Message }
  | { kind: 'drop'; message: Message }
  | { kind: 'duplicate'; message: Message }
  | { kind: 'crash'; actor: ActorId };

/** What a step did, for dependency analysis by the reducing explorers. */
export interface StepEffect {
  /** Actor whose state the step read and wrote (the receiver), or the crashed actor. */
  actor: ActorId;
  /** Whether the step appended to the history log (a call or a return). */
  logged: boolean;
  /** Ids of the messages the step created. */
  created: string[];
}

/** An instantiated system: a definition bound to a harness and a runtime configuration. */
export class ActorSystem {
  readonly agentIds: readonly ActorId[];
  readonly clientIds: readonly ActorId[];
  private readonly behaviors: ReturnType<SystemDefinition['behavior']>[];

  constructor(
    readonly definition: SystemDefinition,
    readonly harness: Harness,
    readonly config: RuntimeConfig = DEFAULT_CONFIG,
  ) {
    if (harness.operations.length === 0) throw new Error(`harness ${harness.name} has no operations`);
    this.agentIds = Array.from({ length: definition.agents }, (_, i) => `n${i}`);
    this.clientIds = harness.operations.map((_, i) => `c${i}`);
    this.behaviors = this.agentIds.map((_, i) => definition.behavior(i));
  }

  /** Returns the initial state: agents initialized, invocations (or client start steps) in flight. */
  initial(): SystemState {
    const agents: Record<ActorId, unknown> = {};
    this.agentIds.forEach((id, i) => {
      agents[id] = this.behaviors[i]!.init(id, this.agentIds);
    });
    const sent: Record<ActorId, number> = { env: 0 };
    const inFlight: Message[] = [];
    this.harness.operations.forEach((operation, op) => {
      const client = this.clientIds[op]!;
      if (this.config.invokeAt === 'send') {
        inFlight.push({ id: `env#${op}`, from: 'env', to: client, seq: op, payload: { type: 'Start' } });
        sent[client] = 0;
      } else {
        inFlight.push(this.invocationMessage(op, 0));
        sent[client] = 1;
      }
    });
    sent.env = this.config.invokeAt === 'send' ? this.harness.operations.length : 0;
    return { agents, sent, inFlight, log: [], step: 0, faultsUsed: NO_FAULTS, crashed: [] };
  }

  /** Returns the enabled transitions in a fixed order (deliveries by message id, then faults). */
  enabled(state: SystemState): Transition[] {
    if (state.step >= this.config.maxSteps) return [];
    const deliverable = this.deliverable(state);
    const result: Transition[] = deliverable.map((message) => ({ kind: 'deliver', message }));
    const { faults } = this.config;
    const used = state.faultsUsed;
    const agentMessages = deliverable.filter((m) => m.to.startsWith('n'));
    if (used.drops < faults.drops) for (const message of agentMessages) result.push({ kind: 'drop', message });
    if (used.duplicates < faults.duplicates) for (const message of agentMessages) if (!message.id.endsWith("'")) result.push({ kind: 'duplicate', message });
    if (used.crashes < faults.crashes) for (const actor of this.agentIds) if (!state.crashed.includes(actor)) result.push({ kind: 'crash', actor });
    return result;
  }

  /** Applies a transition and returns the next state with the step's effect. */
  apply(state: SystemState, transition: Transition): { state: SystemState; effect: StepEffect } {
    switch (transition.kind) {
      case 'deliver':
        return this.deliver(state, transition.message);
      case 'drop':
        return {
          state: { ...state, inFlight: without(state.inFlight, transition.message.id), step: state.step + 1, faultsUsed: { ...state.faultsUsed, drops: state.faultsUsed.drops + 1 } },
          effect: { actor: transition.message.to, logged: false, created: [] },
        };
      case 'duplicate': {
        const copy: Message = { ...transition.message, id: `${transition.message.id}'` };
        const index = state.inFlight.findIndex((m) => m.id === transition.message.id);
        const inFlight = [...state.inFlight.slice(0, index + 1), copy, ...state.inFlight.slice(index + 1)];
        return {
          state: { ...state, inFlight, step: state.step + 1, faultsUsed: { ...state.faultsUsed, duplicates: state.faultsUsed.duplicates + 1 } },
          effect: { actor: transition.message.to, logged: false, created: [copy.id] },
        };
      }
      case 'crash':
        return {
          state: { ...state, crashed: [...state.crashed, transition.actor], inFlight: state.inFlight.filter((m) => m.to !== transition.actor), step: state.step + 1, faultsUsed: { ...state.faultsUsed, crashes: state.faultsUsed.crashes + 1 } },
          effect: { actor: transition.actor, logged: false, created: [] },
        };
    }
  }

  /**
   * Text equal for two states with the same future: agent states, messages in flight, the history
   * log in order (without step numbers), faults used and crashed agents.
   */
  fingerprint(state: SystemState): string {
    const agents = this.agentIds.map((id, i) => {
      const behavior = this.behaviors[i]!;
      return behavior.fingerprint === undefined ? JSON.stringify(state.agents[id]) : behavior.fingerprint(state.agents[id]);
    });
    const inFlight = [...state.inFlight].sort((a, b) => compareIds(a.id, b.id)).map((m) => `${m.id}>${m.to}:${JSON.stringify(m.payload)}`);
    const log = state.log.map((e) => (e.kind === 'call' ? `c${e.op}` : `r${e.op}=${JSON.stringify(e.output)}`));
    return JSON.stringify([agents, inFlight, log, state.sent, state.faultsUsed, state.crashed]);
  }

  /** Stable identifier of a transition, used in replay and by the explorers' sets. */
  static transitionId(transition: Transition): string {
    return transition.kind === 'crash' ? `crash:${transition.actor}` : `${transition.kind}:${transition.message.id}`;
  }

  private deliverable(state: SystemState): Message[] {
    const live = state.inFlight.filter((m) => !state.crashed.includes(m.to));
    let messages = live;
    if (this.config.network === 'fifo') {
      // Only the oldest message of each (sender, receiver) channel.
      const seen = new Set<string>();
      messages = [];
      for (const m of [...live].sort((a, b) => a.seq - b.seq)) {
        const channel = `${m.from}>${m.to}`;
        if (seen.has(channel)) continue;
        seen.add(channel);
        messages.push(m);
      }
    }
    return [...messages].sort((a, b) => compareIds(a.id, b.id));
  }

  private invocationMessage(op: number, seq: number): Message {
    const operation = this.harness.operations[op]!;
    const payload = this.definition.invocation(operation, op);
    const message: Message = { id: `c${op}#${seq}`, from: `c${op}`, to: this.definition.target(op, this.agentIds), seq, payload };
    const key = this.definition.keyOf(payload);
    if (key !== undefined) message.key = key;
    return message;
  }

  private deliver(state: SystemState, message: Message): { state: SystemState; effect: StepEffect } {
    const step = state.step + 1;
    const inFlight = without(state.inFlight, message.id);
    const log = [...state.log];
    const sent = { ...state.sent };
    const created: string[] = [];

    // A client's start step: record the call, send the invocation.
    if (message.to.startsWith('c')) {
      const op = Number(message.to.slice(1));
      log.push({ kind: 'call', op, step });
      const invocation = this.invocationMessage(op, sent[message.to] ?? 0);
      sent[message.to] = (sent[message.to] ?? 0) + 1;
      created.push(invocation.id);
      return { state: { ...state, inFlight: [...inFlight, invocation], log, sent, step }, effect: { actor: message.to, logged: true, created } };
    }

    let logged = false;
    if (this.config.invokeAt === 'delivery' && message.from.startsWith('c') && !state.log.some((e) => e.kind === 'call' && e.op === Number(message.from.slice(1)))) {
      log.push({ kind: 'call', op: Number(message.from.slice(1)), step });
      logged = true;
    }

    const index = this.agentIds.indexOf(message.to);
    const reaction = this.behaviors[index]!.receive(state.agents[message.to], message, message.to);
    const agents = { ...state.agents, [message.to]: reaction.state };
    const outgoing: Message[] = [];
    for (const out of reaction.outbox) {
      if (out.to.startsWith('c')) {
        const op = Number(out.to.slice(1));
        // Duplicate or late responses after the first are not new observations.
        if (!log.some((e) => e.kind === 'return' && e.op === op)) {
          log.push({ kind: 'return', op, step, output: this.definition.output(out.payload, this.harness.operations[op]!) });
          logged = true;
        }
        continue;
      }
      outgoing.push(this.toMessage(message.to, out, sent));
    }
    created.push(...outgoing.map((m) => m.id));
    return { state: { ...state, agents, inFlight: [...inFlight, ...outgoing], log, sent, step }, effect: { actor: message.to, logged, created } };
  }

  private toMessage(from: ActorId, out: Outgoing, sent: Record<ActorId, number>): Message {
    if (!this.agentIds.includes(out.to)) throw new Error(`agent ${from} of system ${this.definition.name} sent ${out.payload.type} to unknown actor '${out.to}'`);
    const seq = sent[from] ?? 0;
    sent[from] = seq + 1;
    const message: Message = { id: `${from}#${seq}`, from, to: out.to, seq, payload: out.payload };
    const key = out.key ?? this.definition.keyOf(out.payload);
    if (key !== undefined) message.key = key;
    return message;
  }
}

function without(messages: readonly Message[], id: string): Message[] {
  const index = messages.findIndex((m) => m.id === id);
  return index === -1 ? [...messages] : [...messages.slice(0, index), ...messages.slice(index + 1)];
}

/** Orders message ids by sender name, then by the sender's counter (numerically). */
export function compareIds(a: string, b: string): number {
  const [sa, na] = splitId(a);
  const [sb, nb] = splitId(b);
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function splitId(id: string): [string, number] {
  const hash = id.indexOf('#');
  return [id.slice(0, hash), Number.parseInt(id.slice(hash + 1), 10)];
}

/** Re-exported for systems that build payloads. */
export type { Payload };
