/**
 * Speed-suite tasks: each layer beside a plain matmul of its dominant shape on the same backend,
 * and the Euclidean projection beside the float64 ray map on the same points.
 */
import type { BenchTask, RunContext } from '../../harness/runner';
import { euclideanProjection, oracleOutput } from '../../impl/constraints/index';
import { linearCase, quadraticCase } from './growth';

export async function speedTasks(context: RunContext): Promise<BenchTask[]> {
  const small = await linearCase(context.rng('speed/linear-16-64'), 16, 64, 1024);
  const large = await linearCase(context.rng('speed/linear-64-256'), 64, 256, 1024);
  const quadratic = await quadraticCase(context.rng('speed/quadratic-16-16'), 16, 16, 1024);

  // 64 points 5 units out along their hidden directions, so every projection does work.
  const points = small.rows.slice(0, 64).map((z) => {
    const d = z.slice(1);
    const scale = Math.max(...d.map(Math.abs)) || 1;
    return d.map((x, i) => small.set.interiorPoint[i]! + (5 * x) / scale);
  });
  const rays = small.rows.slice(0, 64);

  return [
    { id: 'constraints/linear-n16-m64', fn: small.layer, data: 'generated: polytope with 64 rows in dimension 16, 1024 hidden vectors' },
    { id: 'constraints/matmul-n16-m64', fn: small.matmul, data: 'generated: standard normal (1024×16) and (16×64) matrices' },
    { id: 'constraints/linear-n64-m256', fn: large.layer, data: 'generated: polytope with 256 rows in dimension 64, 1024 hidden vectors' },
    { id: 'constraints/matmul-n64-m256', fn: large.matmul, data: 'generated: standard normal (1024×64) and (64×256) matrices' },
    { id: 'constraints/quadratic-n16-m16', fn: quadratic.layer, data: 'generated: 16 ellipsoids in dimension 16, 1024 hidden vectors' },
    { id: 'constraints/matmul-n16-m256', fn: quadratic.matmul, data: 'generated: standard normal (1024×16) and (16×256) matrices' },
    { id: 'constraints/euclidean-n16-m64', fn: () => points.forEach((z) => euclideanProjection(small.set, z)), data: 'generated: 64 points outside the n = 16, m = 64 polytope' },
    { id: 'constraints/oracle-n16-m64', fn: () => rays.forEach((z) => oracleOutput(small.set, 'ray', z)), data: 'generated: 64 hidden vectors for the n = 16, m = 64 polytope' },
  ];
}
