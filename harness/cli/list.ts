/**
 * `paperproof list`: every method, with the claims, invariants, experiments and benchmarks of
 * those the suite implements.
 */
import { METHODS, SPECS } from '../../specs/index';

/** Formats the listing printed by `paperproof list`. */
export function listText(): string {
  const lines: string[] = [];
  for (const method of METHODS) {
    const spec = SPECS.find((s) => s.id === method.id);
    lines.push(`${method.id}  ${method.title}${spec === undefined ? '  (not implemented yet)' : ''}`);
    if (spec === undefined) continue;
    lines.push(`  source: ${spec.citation}`);
    for (const claim of spec.claims) lines.push(`  claim       ${claim.id}: ${claim.statement}`);
    for (const inv of spec.invariants) {
      lines.push(`  invariant   ${inv.id} [${inv.kind}]: ${inv.statement}`);
      for (const control of inv.negativeControls) lines.push(`                negative control: ${control}`);
    }
    for (const exp of spec.experiments) lines.push(`  experiment  ${exp.id} (re-checks ${exp.claim}): ${exp.description}`);
    for (const bench of spec.benchmarks) lines.push(`  benchmark   ${bench.id} [${bench.unit}]${bench.baseline ? ` vs ${bench.baseline}` : ''}: ${bench.description}`);
  }
  return `${lines.join('\n')}\n`;
}
