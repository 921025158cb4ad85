/**
 * Which partitioner runs and what the partition reports about it. The METIS path runs against a fake
 * `gpmetis` shell script written to a temporary folder placed first on PATH, so these checks behave
 * the same whether or not the real program is installed. Each case loads a fresh copy of the
 * partition module, because the module caches whether `gpmetis` starts.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, vi } from 'vitest';
import { caseInvariant } from '../../harness/testing/invariant';
import { csrFromCoo, symmetrize, type CsrMatrix } from '../../impl/graph/index';
import { GraphValueError } from '../../impl/graph/errors';
import type { Partition, PartitionerName } from '../../impl/clustergcn/index';

type PartitionModule = typeof import('../../impl/clustergcn/partition');

/** Where `gpmetis` resolves for a case: the fake script, or nowhere on PATH. */
type Installed = 'fake' | 'absent';

/** Behaviour of the fake `gpmetis`, read from FAKE_GPMETIS_MODE. */
type FakeMode = 'ok' | 'chatty' | 'fail' | 'nofile' | 'short' | 'outside' | 'negative' | 'fraction';

/** Loads a fresh partition module with `gpmetis` installed or not. */
type Loader = (installed: Installed) => Promise<PartitionModule>;

// The fake reads its graph file, logs the arguments, file and folder, and writes node i to cluster
// i mod k, or misbehaves as FAKE_GPMETIS_MODE selects. Output lines are numbered so a test can tell
// which of them an error message kept.
const FAKE_GPMETIS = `#!/bin/sh
PATH=/usr/bin:/bin
if [ "$#" -ne 3 ]; then echo "fake gpmetis: usage"; exit 0; fi
file="$2"
parts="$3"
log="$FAKE_GPMETIS_LOG"
printf '%s\\n' "$@" > "$log/args"
cp "$file" "$log/graph"
dirname "$file" > "$log/dir"
n=$(head -n 1 "$file" | cut -d ' ' -f 1)
write_parts() {
  i=0
  while [ "$i" -lt "$1" ]; do echo $((i % parts)); i=$((i + 1)); done
}
case "$FAKE_GPMETIS_MODE" in
  ok) write_parts "$n" > "$file.part.$parts" ;;
  chatty) head -c 2097152 /dev/zero | tr '\\0' 'x'; echo; write_parts "$n" > "$file.part.$parts" ;;
  fail) printf 'line one\\nline two\\nline three\\n'; printf 'line four\\nline five\\n' >&2; exit 3 ;;
  nofile) printf 'alpha\\nbeta\\ngamma\\n'; exit 0 ;;
  short) write_parts $((n - 1)) > "$file.part.$parts" ;;
  outside) { echo "$parts"; write_parts "$n" | tail -n +2; } > "$file.part.$parts" ;;
  negative) { echo -1; write_parts "$n" | tail -n +2; } > "$file.part.$parts" ;;
  fraction) { echo 0.5; write_parts "$n" | tail -n +2; } > "$file.part.$parts" ;;
esac
`;

let fakeDir = '';
let emptyDir = '';
let logDir = '';
const savedPath = process.env.PATH;

beforeAll(() => {
  fakeDir = mkdtempSync(join(tmpdir(), 'paperproof-fake-gpmetis-'));
  emptyDir = mkdtempSync(join(tmpdir(), 'paperproof-no-gpmetis-'));
  logDir = mkdtempSync(join(tmpdir(), 'paperproof-gpmetis-log-'));
  writeFileSync(join(fakeDir, 'gpmetis'), FAKE_GPMETIS);
  chmodSync(join(fakeDir, 'gpmetis'), 0o755);
  process.env.FAKE_GPMETIS_LOG = logDir;
});

afterAll(() => {
  process.env.PATH = savedPath;
  delete process.env.FAKE_GPMETIS_LOG;
  delete process.env.FAKE_GPMETIS_MODE;
  for (const dir of [fakeDir, emptyDir, logDir]) if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** PATH holds only the fake's folder or only an empty folder, so a real gpmetis is never found. */
const realLoader: Loader = async (installed) => {
  process.env.PATH = installed === 'fake' ? fakeDir : emptyDir;
  vi.resetModules();
  return import('../../impl/clustergcn/partition');
};

/** Replaces `partitionGraph` of the freshly loaded module. */
function wrapping(change: (original: PartitionModule['partitionGraph']) => PartitionModule['partitionGraph']): Loader {
  return async (installed) => {
    const module = await realLoader(installed);
    return { ...module, partitionGraph: change(module.partitionGraph) };
  };
}

/** `auto` that never tries METIS. */
const autoAlwaysLouvain = wrapping((original) => (adjacency, parts, options) => original(adjacency, parts, { ...options, partitioner: options.partitioner === 'auto' ? 'louvain' : options.partitioner }));

/** Falls back to Louvain when a `metis` request fails, instead of raising. */
const metisFallsBack = wrapping((original) => (adjacency, parts, options) => {
  try {
    return original(adjacency, parts, options);
  } catch (error) {
    if (options.partitioner !== 'metis') throw error;
    return original(adjacency, parts, { ...options, partitioner: 'louvain' });
  }
});

/** gpmetis errors reduced to a bare message without the exit code, output or cause. */
const bareMetisErrors = wrapping((original) => (adjacency, parts, options) => {
  try {
    return original(adjacency, parts, options);
  } catch (error) {
    throw new GraphValueError('gpmetis failed');
  }
});

/** Two triangles joined by one edge, and a 9-node graph with a hub, both without self-loops. */
function graphs(): { name: string; adjacency: CsrMatrix }[] {
  const undirected = (n: number, edges: [number, number][]) => symmetrize(csrFromCoo(n, n, edges.map((e) => e[0]), edges.map((e) => e[1])));
  return [
    { name: 'two triangles', adjacency: undirected(6, [[0, 1], [1, 2], [0, 2], [3, 4], [4, 5], [3, 5], [2, 3]]) },
    { name: 'hub graph', adjacency: undirected(9, [[0, 1], [0, 2], [0, 3], [0, 4], [4, 5], [5, 6], [6, 7], [7, 8], [8, 5], [1, 2]]) },
  ];
}

/** Builds the METIS graph file of an adjacency: "n m", then each node's neighbours counted from 1. */
function metisFile(a: CsrMatrix): string {
  const lines = [`${a.rows} ${a.indptr[a.rows]! / 2}`];
  for (let i = 0; i < a.rows; i++) lines.push(Array.from(a.indices.subarray(a.indptr[i]!, a.indptr[i + 1]!), (j) => j + 1).join(' '));
  return lines.join('\n') + '\n';
}

/** Runs `call`; returns the partition or the error it raised. */
function attempt(call: () => Partition): Partition | Error {
  try {
    return call();
  } catch (error) {
    return error as Error;
  }
}

/** Checks that a Louvain partition reports its method, seed, part count and size cap. */
function louvainProblem(result: Partition | Error, parts: number, seed: number): string | null {
  if (result instanceof Error) return `raised ${result.name}: ${result.message}`;
  for (const part of ['Louvain', `seed ${seed})`, `into ${parts} parts`, 'at most 105% of the ideal size']) {
    if (!result.method.includes(part)) return `method '${result.method}' lacks '${part}'`;
  }
  return null;
}

/** Checks that a METIS partition came from the fake: i mod k, the seed, the graph file and its cleaned-up folder. */
function metisProblem(result: Partition | Error, adjacency: CsrMatrix, parts: number, seed: number): string | null {
  if (result instanceof Error) return `raised ${result.name}: ${result.message}`;
  if (!result.method.startsWith('METIS') || !result.method.includes(`seed ${seed},`)) return `method '${result.method}' does not name METIS and seed ${seed}`;
  if (result.assignment.some((p, v) => p !== v % parts)) return `assignment ${result.assignment.join(',')} is not the fake's i mod ${parts}`;
  if (result.notes.length !== 0) return `unexpected notes ${JSON.stringify(result.notes)}`;
  const args = readFileSync(join(logDir, 'args'), 'utf8').trim().split('\n');
  if (args[0] !== `-seed=${seed}` || args[2] !== String(parts)) return `gpmetis got arguments ${JSON.stringify(args)}`;
  const written = readFileSync(join(logDir, 'graph'), 'utf8');
  if (written !== metisFile(adjacency)) return `graph file ${JSON.stringify(written)}, expected ${JSON.stringify(metisFile(adjacency))}`;
  const dir = readFileSync(join(logDir, 'dir'), 'utf8').trim();
  if (!basename(dir).startsWith('paperproof-metis-')) return `graph file folder ${dir} is not named paperproof-metis-*`;
  if (existsSync(dir)) return `graph file folder ${dir} was left behind`;
  return null;
}

/** Checks that `result` is a GraphValueError whose message contains every one of `parts` and none of `absent`. */
function errorProblem(result: Partition | Error, parts: string[], absent: string[] = []): string | null {
  // Each fresh module load brings its own copy of the error classes, so the class is checked by name.
  if (!(result instanceof Error)) return `returned a partition by '${result.method}'`;
  if (result.name !== 'GraphValueError') return `raised ${result.name}: ${result.message}`;
  const missing = parts.filter((p) => !result.message.includes(p));
  const extra = absent.filter((p) => result.message.includes(p));
  if (missing.length > 0 || extra.length > 0) return `message '${result.message}' lacks ${JSON.stringify(missing)} or contains ${JSON.stringify(extra)}`;
  return null;
}

/** The error message each failing fake mode must produce, and text it must not contain. */
const FAILURES: { mode: FakeMode; message: (n: number, parts: number) => string[]; absent: string[] }[] = [
  { mode: 'fail', message: () => ['gpmetis exited with code 3: line three line four line five'], absent: ['line two'] },
  { mode: 'nofile', message: () => ['gpmetis wrote no partition file: beta gamma'], absent: ['alpha'] },
  { mode: 'short', message: (n, parts) => [`gpmetis wrote ${n - 1} assignments for ${n} nodes`, `[0, ${parts})`], absent: [] },
  { mode: 'outside', message: (n, parts) => [`gpmetis wrote ${n} assignments for ${n} nodes`, `[0, ${parts})`], absent: [] },
  { mode: 'negative', message: (n, parts) => [`gpmetis wrote ${n} assignments for ${n} nodes`, `[0, ${parts})`], absent: [] },
  { mode: 'fraction', message: (n, parts) => [`gpmetis wrote ${n} assignments for ${n} nodes`, `[0, ${parts})`], absent: [] },
];

async function checkPartitioners(load: Loader) {
  const failures: string[] = [];
  let runs = 0;
  const expect = (label: string, problem: string | null) => {
    runs++;
    if (problem !== null) failures.push(`${label}: ${problem}`);
  };
  const run = (module: PartitionModule, adjacency: CsrMatrix, parts: number, partitioner: PartitionerName, seed: number) => attempt(() => module.partitionGraph(adjacency, parts, { partitioner, seed }));

  for (const { name, adjacency } of graphs()) {
    const n = adjacency.rows;
    for (const [parts, seed] of [[2, 7], [3, 2024]] as const) {
      const label = (what: string) => `${name}, ${parts} clusters, seed ${seed}, ${what}`;

      // Without gpmetis: auto notes the fallback, louvain has no note, metis raises with the fix.
      const absent = await load('absent');
      const autoAbsent = run(absent, adjacency, parts, 'auto', seed);
      expect(label('auto without gpmetis'), louvainProblem(autoAbsent, parts, seed));
      if (!(autoAbsent instanceof Error) && JSON.stringify(autoAbsent.notes) !== JSON.stringify(["gpmetis is not installed (Debian package 'metis'), so the Louvain fallback ran"])) {
        expect(label('auto without gpmetis notes'), `notes ${JSON.stringify(autoAbsent.notes)}`);
      }
      const louvainAbsent = run(absent, adjacency, parts, 'louvain', seed);
      expect(label('louvain without gpmetis'), louvainProblem(louvainAbsent, parts, seed) ?? (louvainAbsent instanceof Error || louvainAbsent.notes.length === 0 ? null : `notes ${JSON.stringify(louvainAbsent.notes)}`));
      expect(label('metis without gpmetis'), errorProblem(run(absent, adjacency, parts, 'metis', seed), ['gpmetis could not run', "install Debian's 'metis' package or use the louvain partitioner"]));

      // With the fake: auto and metis run it, louvain does not.
      const fake = await load('fake');
      for (const mode of ['ok', 'chatty'] as const) {
        process.env.FAKE_GPMETIS_MODE = mode;
        expect(label(`auto with gpmetis (${mode})`), metisProblem(run(fake, adjacency, parts, 'auto', seed), adjacency, parts, seed));
        expect(label(`metis with gpmetis (${mode})`), metisProblem(run(fake, adjacency, parts, 'metis', seed), adjacency, parts, seed));
      }
      const louvainFake = run(fake, adjacency, parts, 'louvain', seed);
      expect(label('louvain with gpmetis'), louvainProblem(louvainFake, parts, seed) ?? (louvainFake instanceof Error || louvainFake.notes.length === 0 ? null : `notes ${JSON.stringify(louvainFake.notes)}`));

      // A failing gpmetis: metis raises its error, auto notes it and runs Louvain.
      for (const { mode, message, absent: missing } of FAILURES) {
        process.env.FAKE_GPMETIS_MODE = mode;
        const metis = run(fake, adjacency, parts, 'metis', seed);
        expect(label(`metis with gpmetis in mode ${mode}`), errorProblem(metis, message(n, parts), missing));
        const auto = run(fake, adjacency, parts, 'auto', seed);
        const note = metis instanceof Error ? `gpmetis failed, so the Louvain fallback ran: ${metis.message}` : '';
        const autoProblem = louvainProblem(auto, parts, seed) ?? (auto instanceof Error || JSON.stringify(auto.notes) === JSON.stringify([note]) ? null : `notes ${JSON.stringify(auto.notes)}`);
        expect(label(`auto with gpmetis in mode ${mode}`), autoProblem);
      }
      process.env.FAKE_GPMETIS_MODE = 'ok';

      // One cluster and an edgeless graph need no partitioner at all.
      for (const partitioner of ['auto', 'metis', 'louvain'] as const) {
        const single = run(fake, adjacency, 1, partitioner, seed);
        const singleProblem = single instanceof Error ? single.message : single.method !== 'single cluster (no partitioning)' || single.notes.length !== 0 || single.assignment.some((p) => p !== 0) ? `'${single.method}', notes ${JSON.stringify(single.notes)}` : null;
        expect(label(`${partitioner} with one cluster`), singleProblem);
        const edgeless = run(fake, csrFromCoo(n, n, [], []), parts, partitioner, seed);
        const edgelessProblem = edgeless instanceof Error ? edgeless.message : edgeless.method !== 'contiguous balanced split (the graph has no edges)' || edgeless.notes.length !== 0 ? `'${edgeless.method}', notes ${JSON.stringify(edgeless.notes)}` : null;
        expect(label(`${partitioner} without edges`), edgelessProblem);
      }
    }
  }
  process.env.PATH = savedPath;
  return { runs, failures };
}

describe('partitioner choice', () => {
  caseInvariant<Loader>({
    id: 'clustergcn/partitioner-choice',
    subject: realLoader,
    controls: [
      { name: 'auto that never tries METIS', subject: autoAlwaysLouvain },
      { name: 'metis request that falls back to Louvain when gpmetis fails', subject: metisFallsBack },
      { name: 'gpmetis errors without the exit code, output or cause', subject: bareMetisErrors },
    ],
    timeoutMs: 60_000,
    check: checkPartitioners,
  });
});
