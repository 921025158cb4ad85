/**
 * A self-contained HTML view of a checked history, in the spirit of Porcupine's visualizer: one
 * row per client, one bar per operation from its call to its return, and, for each operation,
 * the longest partial linearization containing it. Hovering an operation numbers the operations
 * of that linearization in order and lists the state after each; the operation the checker could
 * not place is marked.
 */
import { UNKNOWN, type AnyModel, type History } from '../../models/model';
import type { CheckResult } from './types';

interface ViewOperation {
  id: number;
  client: string;
  start: number;
  end: number;
  /** Unknown outcome or never returned: drawn open-ended. */
  open: boolean;
  text: string;
  line: number | null;
  partition: number;
}

/**
 * Renders the HTML view of `history` and its check `result`. Times are replaced by their rank, so
 * long idle gaps do not squeeze the interesting part.
 */
export function renderHistoryHtml(model: AnyModel, history: History<unknown, unknown>, result: CheckResult, title: string): string {
  const times = [...new Set(history.flatMap((op) => [op.call, ...(op.return === null ? [] : [op.return])]))].sort((a, b) => a - b);
  const rank = new Map(times.map((t, i) => [t, i]));
  const last = times.length;
  const partitionOf = new Map<number, number>();
  for (const part of result.partitions) for (const id of part.opIds) partitionOf.set(id, part.index);

  const operations: ViewOperation[] = history.map((op) => ({
    id: op.id,
    client: op.client,
    start: rank.get(op.call)!,
    end: op.output === UNKNOWN || op.return === null ? last : rank.get(op.return)!,
    open: op.output === UNKNOWN || op.return === null,
    text: model.describeOperation(op.input, op.output),
    line: op.line ?? null,
    partition: partitionOf.get(op.id) ?? 0,
  }));

  // Per operation: the longest partial linearization containing it (ids and states).
  const longest: Record<number, { op: number; state: string }[]> = {};
  const blocked: number[] = [];
  const reasons: Record<number, string> = {};
  for (const part of result.partitions) {
    for (const [id, steps] of part.longestPerOp ?? []) longest[id] = steps.map((s) => ({ op: s.op, state: s.stateAfter }));
    if (part.witness !== undefined) for (const s of part.witness) longest[s.op] ??= part.witness.map((w) => ({ op: w.op, state: w.stateAfter }));
    if (part.evidence !== undefined) {
      blocked.push(part.evidence.blockedOp);
      reasons[part.evidence.blockedOp] = part.evidence.reason;
      for (const s of part.evidence.longest) longest[s.op] ??= part.evidence.longest.map((w) => ({ op: w.op, state: w.stateAfter }));
    }
  }

  const data = { operations, longest, blocked, reasons, last, verdict: result.result, model: model.name };
  const verdictText = result.result === 'ok' ? 'linearizable' : result.result === 'illegal' ? 'not linearizable' : `unknown (${result.unknownReason ?? 'budget exhausted'})`;
  // JSON inside a script element: escape '<' so that no string can close the element.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}: ${verdictText}</title>
<style>
body{font:13px system-ui,sans-serif;margin:1rem;color:#1d2125}
#timeline{position:relative;border-top:1px solid #ddd}
.row{position:relative;height:26px;border-bottom:1px solid #f0f0f0}
.label{position:absolute;left:0;width:90px;top:5px;color:#57606a;overflow:hidden;white-space:nowrap}
.op{position:absolute;top:3px;height:18px;border-radius:3px;background:#d0d7de;font-size:11px;line-height:18px;padding:0 3px;overflow:hidden;white-space:nowrap;cursor:pointer;box-sizing:border-box}
.op.open{background:repeating-linear-gradient(45deg,#e6e9ec,#e6e9ec 4px,#d0d7de 4px,#d0d7de 8px)}
.op.inlin{background:#9be9a8}.op.blocked{background:#ff8182;outline:2px solid #cf222e}.op.focus{outline:2px solid #0969da}
#panel{margin-top:1rem;white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:12px;background:#f6f8fa;padding:.5rem}
</style></head><body>
<h2>${escapeHtml(title)}: ${escapeHtml(verdictText)}</h2>
<p>Model <b>${escapeHtml(model.name)}</b> · ${history.length} operations · hover an operation to see the longest partial linearization that contains it (green, numbered in order). Red: the operation the checker could not place. Hatched: unknown outcome or never returned.</p>
<div id="timeline"></div><div id="panel">Hover an operation.</div>
<script>
const data = ${json};
const timeline = document.getElementById('timeline'), panel = document.getElementById('panel');
const clients = [...new Set(data.operations.map(o => o.client))];
const width = Math.max(800, window.innerWidth - 140), scale = width / Math.max(1, data.last);
const elements = new Map();
for (const client of clients) {
  const row = document.createElement('div'); row.className = 'row';
  const label = document.createElement('div'); label.className = 'label'; label.textContent = client; row.appendChild(label);
  for (const op of data.operations.filter(o => o.client === client)) {
    const el = document.createElement('div');
    el.className = 'op' + (op.open ? ' open' : '') + (data.blocked.includes(op.id) ? ' blocked' : '');
    el.style.left = (100 + op.start * scale) + 'px';
    el.style.width = Math.max(6, (op.end - op.start) * scale) + 'px';
    el.textContent = op.text; el.title = op.text + (op.line !== null ? ' (line ' + op.line + ')' : '');
    el.addEventListener('mouseenter', () => focus(op.id)); elements.set(op.id, el); row.appendChild(el);
  }
  timeline.appendChild(row);
}
function focus(id) {
  for (const [other, el] of elements) { el.classList.remove('inlin', 'focus'); el.textContent = data.operations.find(o => o.id === other).text; }
  const steps = data.longest[id] || [];
  steps.forEach((s, i) => { const el = elements.get(s.op); if (el) { el.classList.add('inlin'); el.textContent = (i + 1) + '. ' + el.textContent; } });
  elements.get(id).classList.add('focus');
  const op = data.operations.find(o => o.id === id);
  let text = op.text + ' by ' + op.client + (op.line !== null ? ' (line ' + op.line + ')' : '') + '\\n';
  text += steps.length === 0 ? 'No partial linearization contains this operation.\\n' : 'Longest partial linearization containing it (' + steps.length + ' operations):\\n';
  steps.forEach((s, i) => { const o = data.operations.find(x => x.id === s.op); text += '  ' + (i + 1) + '. ' + o.text + '  → ' + s.state + '\\n'; });
  if (data.reasons[id]) text += '\\nCannot be placed: ' + data.reasons[id];
  panel.textContent = text;
}
</script></body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
