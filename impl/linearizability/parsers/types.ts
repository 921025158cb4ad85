/**
 * Result type shared by the history parsers.
 */
import type { History } from '../../../models/model';

/** Names of the history formats the parsers read. */
export type HistoryFormat = 'jepsen' | 'porcupine-kv' | 'json';

/** A parsed history with the model it is meant for. */
export interface ParsedHistory<I = unknown, O = unknown> {
  history: History<I, O>;
  /** Name of the model the format implies (`cas-register` for Jepsen etcd logs), or the one named in a JSON file. */
  model: string;
  format: HistoryFormat;
  /** Lines that were read but carry no operation (other loggers, nemesis events). */
  skippedLines: number;
}
