/**
 * Registry of method runners, loaded on demand so that a run only imports the methods it needs.
 */
import type { MethodRunner } from '../harness/runner';

const LOADERS: Record<string, () => Promise<MethodRunner>> = {
  linearizability: async () => (await import('./linearizability/index')).linearizabilityRunner,
  jarzynski: async () => (await import('./jarzynski/index')).jarzynskiRunner,
  constraints: async () => (await import('./constraints/index')).constraintsRunner,
  lgcn: async () => (await import('./lgcn/index')).lgcnRunner,
  clustergcn: async () => (await import('./clustergcn/index')).clustergcnRunner,
};

/**
 * Loads the runner of method `id`.
 *
 * @throws Error when the method has no runner module.
 */
export async function loadRunner(id: string): Promise<MethodRunner> {
  const load = LOADERS[id];
  if (load === undefined) throw new Error(`method '${id}' has no comparison runs or benchmarks registered in bench/index.ts`);
  return load();
}
