/**
 * Side-by-side timing of Porcupine, the Go linearizability checker, on the same machine.
 *
 * Porcupine is not part of the suite. When `PORCUPINE_DIR` (or `--porcupine DIR`) names a
 * checkout of it and `go` is on the PATH, its own benchmarks over the etcd and key-value test
 * files are run with `go test -bench`, and their ns/op figures are returned per file. Otherwise
 * the reason is returned, and the report calls the speed claim inconclusive.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Porcupine's milliseconds per check, by file name as the suite names them (`etcd_000.log`). */
export type PorcupineTimes = Map<string, number>;

export type PorcupineOutcome = { ok: true; times: PorcupineTimes; command: string } | { ok: false; reason: string };

const KV_BENCHMARKS: Record<string, string> = {
  Kv1ClientOk: 'c01-ok.txt',
  Kv1ClientBad: 'c01-bad.txt',
  Kv10ClientsOk: 'c10-ok.txt',
  Kv10ClientsBad: 'c10-bad.txt',
};

/**
 * Runs Porcupine's benchmarks for the named files.
 *
 * @param dir - a Porcupine checkout (with `porcupine_test.go`)
 * @param timeoutMs - limit for the whole `go test` run
 */
export function runPorcupine(dir: string | undefined, timeoutMs = 600_000): PorcupineOutcome {
  if (dir === undefined || dir === '') return { ok: false, reason: 'PORCUPINE_DIR is not set, so Porcupine was not run on this machine' };
  if (!existsSync(join(dir, 'porcupine_test.go'))) return { ok: false, reason: `PORCUPINE_DIR=${dir} is not a Porcupine checkout (no porcupine_test.go)` };
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error !== undefined || go.status !== 0) return { ok: false, reason: 'the go toolchain is not on the PATH' };

  const pattern = '^Benchmark(EtcdJepsen0[0-6][0-9]|Kv1Client(Ok|Bad)|Kv10Clients(Ok|Bad))$';
  const args = ['test', '-run', '^$', '-bench', pattern, '-benchtime', '3x', '-count', '1', '-cpu', '2'];
  const run = spawnSync('go', args, { cwd: dir, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, GOFLAGS: '-mod=mod' } });
  if (run.error !== undefined) return { ok: false, reason: `go test failed to run: ${run.error.message}` };
  if (run.status !== 0) return { ok: false, reason: `go test exited with ${run.status}: ${(run.stderr || run.stdout).trim().split('\n').slice(-3).join(' | ')}` };

  const times: PorcupineTimes = new Map();
  for (const line of run.stdout.split('\n')) {
    const match = /^Benchmark(\w+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns\/op/.exec(line.trim());
    if (match === null) continue;
    const [, name, ns] = match as unknown as [string, string, string];
    const etcd = /^EtcdJepsen(\d{3})$/.exec(name);
    const file = etcd !== null ? `etcd_${etcd[1]}.log` : KV_BENCHMARKS[name];
    if (file !== undefined) times.set(file, Number(ns) / 1e6);
  }
  if (times.size === 0) return { ok: false, reason: 'go test printed no benchmark lines' };
  return { ok: true, times, command: `go ${args.join(' ')}` };
}
