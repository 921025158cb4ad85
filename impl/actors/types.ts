/**
 * Types of the deterministic actor runtime: messages, actor behaviours, systems under test and
 * the harnesses (operation lists) they are explored with.
 */
import type { AnyModel } from '../../models/model';

/** Name of an actor: agents are `n0`, `n1`, …; synthetic clients are `c0`, `c1`, … (one per operation). */
export type ActorId = string;

/** Body of a message: a type tag and data. */
export interface Payload {
  type: string;
  [field: string]: unknown;
}

/**
 * A message in flight. Its id is the sender's name and the sender's own send counter
 * (`n0#3`), so it does not depend on how the sender's steps interleave with other actors' steps,
 * and the order of a channel's messages is the order of their counters.
 */
export interface Message {
  id: string;
  from: ActorId;
  to: ActorId;
  /** Position in the sender's sends, 0-based. */
  seq: number;
  payload: Payload;
  /** Key of the replicated object the message concerns (LiViola's dependency), if any. */
  key?: string;
}

/** A message an actor sends; the runtime assigns its id. */
export interface Outgoing {
  to: ActorId;
  payload: Payload;
  key?: string;
}

/** What an actor does when it receives one message: its next state and the messages it sends. */
export interface Reaction<S> {
  state: S;
  outbox: readonly Outgoing[];
}

/**
 * Behaviour of an agent. States must be immutable values: the runtime keeps old states for
 * backtracking instead of restoring snapshots.
 */
export interface ActorBehavior<S = unknown> {
  /** Returns the initial state of agent `self`, given all agents' names. */
  init(self: ActorId, agents: readonly ActorId[]): S;
  /** Handles one message; runs to completion. */
  receive(state: S, message: Message, self: ActorId): Reaction<S>;
  /** Text equal for states that behave the same; defaults to the state's JSON. */
  fingerprint?(state: S): string;
}

/** One operation of a harness, as the sequential model sees it. */
export interface HarnessOperation {
  f: 'get' | 'put';
  key: string;
  value?: string;
}

/** A workload: the operations, one synthetic client each, all enabled from the start. */
export interface Harness {
  /** Name as DS2 writes it, for example `2R+1W`. */
  name: string;
  operations: readonly HarnessOperation[];
}

/** A system under test: agents, how clients talk to them, and the sequential model it must follow. */
export interface SystemDefinition {
  name: string;
  description: string;
  /** True when the system is meant to be linearizable; false for variants with injected bugs. */
  correct: boolean;
  /** The injected bugs, one phrase each (empty for correct systems). */
  bugs: readonly string[];
  /** Number of agents (DS2's benchmarks use 2). */
  agents: number;
  /** Sequential model the histories are checked against. */
  model: AnyModel;
  /** Behaviour of agent `index`. */
  behavior(index: number): ActorBehavior<any>;
  /** The invocation message client `op` sends for an operation. */
  invocation(operation: HarnessOperation, op: number): Payload;
  /** The agent client `op` sends its invocation to (DS2 assigns targets round robin). */
  target(op: number, agents: readonly ActorId[]): ActorId;
  /** Reads the operation's output from a response payload sent to a client. */
  output(payload: Payload, operation: HarnessOperation): unknown;
  /** LiViola key of a payload: messages without a key are treated as independent of every other. */
  keyOf(payload: Payload): string | undefined;
}
