/**
 * `paperproof check-history FILE...`: checks recorded histories for linearizability.
 *
 * Exit code: 0 when every file is linearizable, 1 when one is not, 3 when one is undecided
 * (`unknown`) and none is illegal, 2 on bad input.
 */
import { writeFileSync } from 'node:fs';
import { UNKNOWN, type AnyModel, type History } from '../../models/model';
import { MODEL_NAMES } from '../../models/index';
import { check } from '../../impl/linearizability/checker';
import { HistoryError } from '../../impl/linearizability/errors';
import { FORMATS, readHistoryFile, type HistoryFormat } from '../../impl/linearizability/parsers/index';
import type { CheckResult } from '../../impl/linearizability/types';
import { renderHistoryHtml } from '../../impl/linearizability/visualize';
import { UsageError } from './errors';

export interface CheckHistoryOptions {
  model?: string;
  format: string;
  json: boolean;
  timeout?: string;
  html?: string;
  maxMemory?: string;
}

/** Runs the command over `files` and returns the exit code. */
export function checkHistoryCommand(files: string[], options: CheckHistoryOptions): number {
  if (files.length === 0) throw new UsageError('check-history needs at least one FILE');
  if (!(FORMATS as readonly string[]).includes(options.format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${options.format}'`);
  if (options.model !== undefined && !MODEL_NAMES.includes(options.model)) throw new UsageError(`unknown model '${options.model}'; choose one of ${MODEL_NAMES.join(', ')}`);
  const timeoutMs = options.timeout === undefined ? undefined : parsePositive(options.timeout, '--timeout') * 1000;
  const maxMemoryBytes = options.maxMemory === undefined ? undefined : parsePositive(options.maxMemory, '--max-memory') * 2 ** 20;
  if (options.html !== undefined && files.length > 1) throw new UsageError('--html writes the view of one history; pass a single FILE with it');

  // Parse everything first, so that a bad file stops the command before any verdict is printed.
  const parsed = files.map((file) => {
    try {
      return { file, ...readHistoryFile(file, options.format as HistoryFormat | 'auto', options.model) };
    } catch (error) {
      if (error instanceof HistoryError) throw new UsageError(error.message);
      if (error instanceof Error && error.message.startsWith('unknown model')) throw new UsageError(error.message);
      throw error;
    }
  });

  let sawIllegal = false;
  let sawUnknown = false;
  for (const { file, parsed: history, model } of parsed) {
    const result = check(model, history.history, { timeoutMs, maxMemoryBytes, evidence: options.html === undefined ? 'minimal' : 'full' });
    if (result.result === 'illegal') sawIllegal = true;
    if (result.result === 'unknown') sawUnknown = true;
    if (options.json) process.stdout.write(`${JSON.stringify(jsonRecord(file, model, history.history, result))}\n`);
    else process.stdout.write(textReport(file, model, history.history, result));
    if (options.html !== undefined) {
      writeFileSync(options.html, renderHistoryHtml(model, history.history, result, file));
      process.stderr.write(`history view written to ${options.html}\n`);
    }
  }
  return sawIllegal ? 1 : sawUnknown ? 3 : 0;
}

function parsePositive(raw: string, option: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${option} must be a positive number, got '${raw}'`);
  return value;
}

function jsonRecord(file: string, model: AnyModel, history: History<unknown, unknown>, result: CheckResult): Record<string, unknown> {
  const illegal = result.partitions.find((p) => p.result === 'illegal');
  const record: Record<string, unknown> = {
    file,
    model: model.name,
    result: result.result,
    partitions: result.partitions.length,
    operations: result.operations,
    millis: Number(result.millis.toFixed(3)),
  };
  if (result.unknownReason !== undefined) record.unknownReason = result.unknownReason;
  if (illegal?.evidence !== undefined) {
    const byId = new Map(history.map((op) => [op.id, op]));
    const describe = (id: number) => {
      const op = byId.get(id)!;
      return { id, client: op.client, line: op.line ?? null, operation: model.describeOperation(op.input, op.output) };
    };
    record.partition = illegal.index;
    record.blockedOperation = describe(illegal.evidence.blockedOp);
    record.reason = illegal.evidence.reason;
    record.longestPartialLinearization = illegal.evidence.longest.map((s) => ({ ...describe(s.op), stateAfter: s.stateAfter }));
  }
  return record;
}

function textReport(file: string, model: AnyModel, history: History<unknown, unknown>, result: CheckResult): string {
  const lines: string[] = [];
  const what = result.result === 'ok' ? 'linearizable' : result.result === 'illegal' ? 'NOT linearizable' : `unknown (${result.unknownReason ?? 'budget exhausted'})`;
  lines.push(`${file}: ${what} · model ${model.name} · ${result.operations} operations in ${result.partitions.length} partition${result.partitions.length === 1 ? '' : 's'} · ${result.millis.toFixed(1)} ms`);
  const illegal = result.partitions.find((p) => p.result === 'illegal');
  if (illegal?.evidence !== undefined) {
    const byId = new Map(history.map((op) => [op.id, op]));
    const show = (id: number) => {
      const op = byId.get(id)!;
      const where = op.line === undefined ? '' : ` (line ${op.line})`;
      return `${model.describeOperation(op.input, op.output)} by client ${op.client}${where}`;
    };
    const ev = illegal.evidence;
    lines.push(`  partition ${illegal.index}: longest partial linearization has ${ev.longest.length} of ${illegal.operations} operations`);
    const shown = ev.longest.length > 12 ? ev.longest.slice(-12) : ev.longest;
    if (shown.length < ev.longest.length) lines.push(`    … ${ev.longest.length - shown.length} earlier operations`);
    for (const step of shown) lines.push(`    ${show(step.op)}  → ${step.stateAfter}`);
    lines.push(`  cannot place: ${show(ev.blockedOp)}`);
    lines.push(`  reason: ${ev.reason}`);
    const open = history.filter((op) => op.output === UNKNOWN).length;
    if (open > 0) lines.push(`  (${open} operations have unknown outcome; they may take effect at any point after their call, or never)`);
  }
  return `${lines.join('\n')}\n`;
}
