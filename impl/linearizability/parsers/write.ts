/**
 * Writers for the history formats, so that histories the suite records itself can be saved and
 * read back by the same parsers users rely on.
 */
import { UNKNOWN, type History } from '../../../models/model';
import type { CasRegisterInput, CasRegisterOutput } from '../../../models/cas-register';
import type { KvInput, KvOutput } from '../../../models/kv';
import type { Scalar } from '../../../models/values';

/** Writes a history in the suite's JSON format (see `parseJsonHistory`). */
export function formatJsonHistory<I, O>(modelName: string, history: History<I, O>): string {
  const operations = history.map((op) => {
    const entry: Record<string, unknown> = { id: op.id, client: op.client, call: op.call, return: op.return, input: op.input };
    if (op.output !== UNKNOWN) entry.output = op.output;
    return `    ${JSON.stringify(entry)}`;
  });
  return `{\n  "model": ${JSON.stringify(modelName)},\n  "operations": [\n${operations.join(',\n')}\n  ]\n}\n`;
}

interface Event {
  time: number;
  /** Calls before completions at equal times, as the closed-interval semantics requires. */
  order: number;
  text: string;
}

/**
 * Writes a compare-and-set register history as a Jepsen log. Line order follows time; an
 * operation with unknown outcome is written as `:info`, a cas with output false as `:fail`.
 */
export function formatJepsenLog(history: History<CasRegisterInput, CasRegisterOutput>): string {
  const events: Event[] = [];
  for (const op of history) {
    const f = op.input.f;
    const invokeValue = f === 'read' ? 'nil' : f === 'write' ? ednScalar(op.input.value) : `[${ednScalar(op.input.from)} ${ednScalar(op.input.to)}]`;
    events.push({ time: op.call, order: 0, text: `${op.client}\t:invoke\t:${f}\t${invokeValue}` });
    if (op.return === null) continue;
    let completion: string;
    if (op.output === UNKNOWN) completion = `${op.client}\t:info\t:${f}\t:timed-out`;
    else if (f === 'cas') completion = `${op.client}\t${op.output === true ? ':ok' : ':fail'}\t:cas\t${invokeValue}`;
    else if (f === 'read') completion = `${op.client}\t:ok\t:read\t${ednScalar(op.output as Scalar)}`;
    else completion = `${op.client}\t:ok\t:write\t${invokeValue}`;
    events.push({ time: op.return, order: 1, text: completion });
  }
  return sortEvents(events).map((text) => `INFO  jepsen.util - ${text}`).join('\n') + '\n';
}

/** Writes a key-value history in Porcupine's EDN event format. */
export function formatPorcupineKv(history: History<KvInput, KvOutput>): string {
  const events: Event[] = [];
  for (const op of history) {
    const value = op.input.f === 'get' ? 'nil' : JSON.stringify(op.input.value);
    const process = /^-?\d+$/.test(op.client) ? op.client : JSON.stringify(op.client);
    const head = `{:process ${process}, `;
    events.push({ time: op.call, order: 0, text: `${head}:type :invoke, :f :${op.input.f}, :key ${JSON.stringify(op.input.key)}, :value ${value}}` });
    if (op.return === null) continue;
    const type = op.output === UNKNOWN ? ':info' : ':ok';
    const out = op.input.f === 'get' && op.output !== UNKNOWN ? JSON.stringify(op.output ?? '') : value;
    events.push({ time: op.return, order: 1, text: `${head}:type ${type}, :f :${op.input.f}, :key ${JSON.stringify(op.input.key)}, :value ${out}}` });
  }
  return sortEvents(events).join('\n') + '\n';
}

function sortEvents(events: Event[]): string[] {
  return events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => a.event.time - b.event.time || a.event.order - b.event.order || a.index - b.index)
    .map(({ event }) => event.text);
}

function ednScalar(value: Scalar): string {
  if (value === null) return 'nil';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
