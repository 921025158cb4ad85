/**
 * Replay tokens: a compact text that names the system, the harness, the runtime settings and the
 * schedule, so that `paperproof explore --replay TOKEN` reproduces the same history byte for byte.
 *
 * Format: `ds2.1.<system>.<harness>.<network><invoke>.<drops><duplicates><crashes>.<choices>`
 * where the network is `u` (unordered) or `f` (FIFO), the invocation mode `s` (send) or `d`
 * (delivery), the fault budgets are single digits, and the choices (the index of the chosen
 * transition among the enabled ones at each step) are unsigned LEB128 varints in base64url.
 */
import type { RuntimeConfig } from './runtime';

/** Decoded contents of a replay token. */
export interface ReplayToken {
  system: string;
  harness: string;
  config: Pick<RuntimeConfig, 'network' | 'invokeAt' | 'faults'>;
  choices: number[];
}

const PREFIX = 'ds2';
const VERSION = '1';

/** Encodes a schedule as a token. */
export function encodeToken(token: ReplayToken): string {
  const bytes: number[] = [];
  for (const choice of token.choices) {
    if (!Number.isInteger(choice) || choice < 0) throw new Error(`a schedule choice must be a non-negative integer, got ${choice}`);
    let value = choice;
    do {
      let byte = value & 0x7f;
      value = Math.floor(value / 128);
      if (value > 0) byte |= 0x80;
      bytes.push(byte);
    } while (value > 0);
  }
  const { network, invokeAt, faults } = token.config;
  for (const count of [faults.drops, faults.duplicates, faults.crashes]) {
    if (!Number.isInteger(count) || count < 0 || count > 9) throw new Error(`fault budgets in a token must be 0 to 9, got ${count}`);
  }
  const settings = `${network === 'fifo' ? 'f' : 'u'}${invokeAt === 'delivery' ? 'd' : 's'}`;
  const budgets = `${faults.drops}${faults.duplicates}${faults.crashes}`;
  return [PREFIX, VERSION, token.system, harnessPart(token.harness), settings, budgets, Buffer.from(bytes).toString('base64url')].join('.');
}

/**
 * Decodes a token.
 *
 * @throws Error saying which part of the token is malformed and what was expected.
 */
export function decodeToken(text: string): ReplayToken {
  const parts = text.trim().split('.');
  const expected = 'expected ds2.1.<system>.<harness>.<settings>.<faults>.<choices>, as printed by paperproof explore';
  if (parts.length !== 7) throw new Error(`malformed replay token '${text}': it has ${parts.length} dot-separated parts, ${expected}`);
  const [prefix, version, system, harness, settings, budgets, choicesText] = parts as [string, string, string, string, string, string, string];
  if (prefix !== PREFIX) throw new Error(`malformed replay token '${text}': it starts with '${prefix}', ${expected}`);
  if (version !== VERSION) throw new Error(`replay token version ${version} is not supported; this paperproof reads version ${VERSION}`);
  if (system === '' || harness === '') throw new Error(`malformed replay token '${text}': empty system or harness name`);
  if (!/^[uf][sd]$/.test(settings)) throw new Error(`malformed replay token '${text}': settings '${settings}' must be u or f, then s or d`);
  if (!/^\d{3}$/.test(budgets)) throw new Error(`malformed replay token '${text}': fault budgets '${budgets}' must be three digits`);
  if (!/^[A-Za-z0-9_-]*$/.test(choicesText)) throw new Error(`malformed replay token '${text}': the schedule part is not base64url`);

  const bytes = Buffer.from(choicesText, 'base64url');
  const choices: number[] = [];
  let value = 0;
  let scale = 1;
  let open = false;
  for (const byte of bytes) {
    value += (byte & 0x7f) * scale;
    scale *= 128;
    open = (byte & 0x80) !== 0;
    if (!open) {
      choices.push(value);
      value = 0;
      scale = 1;
    }
  }
  if (open) throw new Error(`malformed replay token '${text}': the schedule ends inside a number (the token was cut off)`);
  return {
    system,
    harness: harness.replace(/_/g, '+'),
    config: { network: settings[0] === 'f' ? 'fifo' : 'unordered', invokeAt: settings[1] === 'd' ? 'delivery' : 'send', faults: { drops: Number(budgets[0]), duplicates: Number(budgets[1]), crashes: Number(budgets[2]) } },
    choices,
  };
}

function harnessPart(name: string): string {
  if (!/^[A-Za-z0-9+_-]+$/.test(name)) throw new Error(`harness name '${name}' cannot go into a token; use letters, digits, + and -`);
  return name.replace(/\+/g, '_');
}
