/**
 * The list of equivalent mutants: mutants that change the source but not what the program can
 * do, so no test can kill them. Each entry names one mutant by file, mutator, location and
 * replacement, with a one-line reason. The report shows a surviving mutant as equivalent only
 * when it is listed here.
 */
import { existsSync, readFileSync } from 'node:fs';

/** One listed equivalent mutant, as written in the list file. */
export interface EquivalentEntry {
  /** Path relative to the project root, with `/` separators. */
  file: string;
  /** StrykerJS mutator name. */
  mutator: string;
  /** `line:column-line:column`, 1-based, end exclusive, as StrykerJS reports it. */
  location: string;
  replacement: string;
  /** One-line reason no test can tell the mutant from the original. */
  reason: string;
}

/** The parts of a mutant that identify it. */
export interface MutantIdentity {
  file: string;
  mutator: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
  replacement: string;
}

/** Maximum length of a reason, in characters. A reason is one line. */
export const MAX_REASON_LENGTH = 200;

/** Formats a mutant's location as in the list: `12:5-12:30`. */
export function formatLocation(location: MutantIdentity['location']): string {
  return `${location.start.line}:${location.start.column}-${location.end.line}:${location.end.column}`;
}

/** Returns the key that identifies a mutant (or a list entry) across runs. */
export function mutantKey(mutant: MutantIdentity | EquivalentEntry): string {
  const location = typeof mutant.location === 'string' ? mutant.location : formatLocation(mutant.location);
  return `${mutant.file}:${location} ${mutant.mutator} -> ${mutant.replacement}`;
}

/**
 * Reads the list of equivalent mutants; a missing file is an empty list.
 *
 * @throws Error naming the file and the entry when the file is not JSON or an entry lacks a
 *   field, has a malformed location, a reason that is empty, longer than one line or longer than
 *   {@link MAX_REASON_LENGTH}, or repeats another entry
 */
export function readEquivalents(path: string): Map<string, EquivalentEntry> {
  if (!existsSync(path)) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the equivalent-mutant list ${path}: ${(error as Error).message}`);
  }
  const mutants = (parsed as { mutants?: unknown } | null)?.mutants;
  if (!Array.isArray(mutants)) throw new Error(`${path} must be an object with a "mutants" array`);

  const entries = new Map<string, EquivalentEntry>();
  mutants.forEach((raw, index) => {
    const entry = validateEntry(raw, `${path}, mutants[${index}]`);
    const key = mutantKey(entry);
    if (entries.has(key)) throw new Error(`${path}, mutants[${index}] repeats an earlier entry: ${key}`);
    entries.set(key, entry);
  });
  return entries;
}

function validateEntry(raw: unknown, where: string): EquivalentEntry {
  if (typeof raw !== 'object' || raw === null) throw new Error(`${where} must be an object`);
  const entry = raw as Record<string, unknown>;
  for (const field of ['file', 'mutator', 'location', 'replacement', 'reason'] as const) {
    if (typeof entry[field] !== 'string') throw new Error(`${where} has no string field "${field}"`);
  }
  const { file, mutator, location, replacement, reason } = entry as unknown as EquivalentEntry;
  if (!/^\d+:\d+-\d+:\d+$/.test(location)) throw new Error(`${where} has location '${location}'; write it as line:column-line:column, as the report prints it`);
  if (reason.trim() === '') throw new Error(`${where} has an empty reason; say in one line why no test can kill this mutant`);
  if (reason.includes('\n')) throw new Error(`${where} has a reason of several lines; keep it to one line`);
  if (reason.length > MAX_REASON_LENGTH) throw new Error(`${where} has a reason of ${reason.length} characters; keep it under ${MAX_REASON_LENGTH}`);
  return { file, mutator, location, replacement, reason };
}
