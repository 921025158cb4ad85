/**
 * History parsers and format detection.
 */
import { readFileSync } from 'node:fs';
import { modelByName } from '../../../models/index';
import type { AnyModel } from '../../../models/model';
import { HistoryError } from '../errors';
import { parseJepsenLog } from './jepsen';
import { parseJsonHistory } from './json';
import { parsePorcupineKv } from './porcupine-kv';
import type { HistoryFormat, ParsedHistory } from './types';

export type { HistoryFormat, ParsedHistory } from './types';
export { parseJepsenLog, parseJsonHistory, parsePorcupineKv };

/** Formats accepted by `--format`; `auto` looks at the first non-blank character and line. */
export const FORMATS: readonly (HistoryFormat | 'auto')[] = ['auto', 'jepsen', 'porcupine-kv', 'json'];

/** Guesses the format of a history from its text. */
export function detectFormat(text: string): HistoryFormat | undefined {
  const first = text.split(/\r?\n/).find((line) => line.trim() !== '')?.trim();
  if (first === undefined) return undefined;
  if (/\bjepsen\.\w+\s+-\s/.test(first)) return 'jepsen';
  if (first.startsWith('{:') || first.startsWith('{ :')) return 'porcupine-kv';
  if (first.startsWith('{') || first.startsWith('[')) return 'json';
  return undefined;
}

/**
 * Reads and parses a history.
 *
 * @param text - file contents
 * @param file - file name for messages
 * @param format - a format name or `auto`
 * @param modelName - the model to check against; for Jepsen and Porcupine files it must be the
 *   one the format implies (or omitted); for JSON it decodes the operations
 * @throws HistoryError for an unreadable history or a format/model mismatch.
 */
export function parseHistory(text: string, file: string, format: HistoryFormat | 'auto', modelName?: string): { parsed: ParsedHistory; model: AnyModel } {
  const resolved = format === 'auto' ? detectFormat(text) : format;
  if (resolved === undefined) {
    if (text.trim() === '') throw new HistoryError('empty-file', 'the file is empty; expected a Jepsen log, a Porcupine key-value history or a JSON history', file, 1);
    throw new HistoryError('malformed-line', 'cannot tell the format from the first line; pass --format jepsen, porcupine-kv or json', file, 1);
  }

  if (resolved === 'json') {
    const name = modelName ?? declaredModel(text);
    if (name === undefined) throw new HistoryError('invalid-history', 'the JSON history names no "model"; pass --model NAME', file);
    const model = modelByName(name);
    return { parsed: parseJsonHistory(text, model, file), model };
  }

  const parsed = resolved === 'jepsen' ? parseJepsenLog(text, file) : parsePorcupineKv(text, file);
  const name = modelName ?? parsed.model;
  const model = modelByName(name);
  if (!compatible(parsed.model, name)) {
    throw new HistoryError('invalid-history', `a ${resolved} history is checked with model '${parsed.model}', not '${name}'; pass --model ${parsed.model} or leave --model out`, file);
  }
  return { parsed, model };
}

/** Reads a history file from disk and parses it (see {@link parseHistory}). */
export function readHistoryFile(file: string, format: HistoryFormat | 'auto' = 'auto', modelName?: string): { parsed: ParsedHistory; model: AnyModel } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new HistoryError('unreadable-file', code === 'ENOENT' ? 'file not found; check the path' : `cannot read the file (${code ?? (error as Error).message})`, file);
  }
  return parseHistory(text, file, format, modelName);
}

/** Models that can check histories parsed for `implied`. */
function compatible(implied: string, chosen: string): boolean {
  if (implied === chosen) return true;
  if (implied === 'cas-register') return chosen === 'cas-register-xstate';
  if (implied === 'kv') return chosen === 'kv-unpartitioned';
  return false;
}

function declaredModel(text: string): string | undefined {
  const match = /"model"\s*:\s*"([^"]+)"/.exec(text);
  return match?.[1];
}
