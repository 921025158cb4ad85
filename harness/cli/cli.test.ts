/**
 * Self-tests of the command line: exit codes, output and errors, run as a user would, in a child
 * process per command. Test names start with `harness/`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { Rng } from '../rng';
import { kvObject } from '../arbitraries/histories';
import { recordHistory } from '../arbitraries/record';
import { formatJsonHistory } from '../../impl/linearizability/parsers/write';
import type { Operation } from '../../models/model';
import type { RegisterInput, RegisterOutput } from '../../models/register';

const BIN = resolve(__dirname, '..', '..', 'bin', 'paperproof.mjs');

function paperproof(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('command line', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'paperproof-cli-'));
    const ok: Operation<RegisterInput, RegisterOutput>[] = [
      { id: 0, client: 'a', call: 0, return: 2, input: { f: 'write', value: 1 }, output: null },
      { id: 1, client: 'b', call: 1, return: 3, input: { f: 'read' }, output: 1 },
    ];
    const bad: Operation<RegisterInput, RegisterOutput>[] = [
      { id: 0, client: 'a', call: 0, return: 1, input: { f: 'write', value: 1 }, output: null },
      { id: 1, client: 'b', call: 2, return: 3, input: { f: 'read' }, output: 2 },
    ];
    writeFileSync(join(dir, 'ok.json'), formatJsonHistory('register', ok));
    writeFileSync(join(dir, 'bad.json'), formatJsonHistory('register', bad));
    writeFileSync(join(dir, 'broken.json'), '{\n  "model": "register",\n  "operations": [\n    {"client": "a", "call": 0, "return": 1, "input": {"f": "read"}, "output": null},\n    {"client": "b", "call": 1');
    // Many concurrent clients on one key-value object: far too many configurations for 1 ms.
    const hard = recordHistory(kvObject, new Rng(5), { clients: 12, operations: 300 });
    writeFileSync(join(dir, 'hard.json'), formatJsonHistory('kv-unpartitioned', hard));
  });

  test('harness/cli list prints every method', () => {
    const { code, stdout } = paperproof('list');
    expect(code).toBe(0);
    for (const id of ['jarzynski', 'constraints', 'linearizability', 'dcunet']) expect(stdout).toContain(id);
    expect(stdout).toContain('linearizability/agrees-with-brute-force');
  });

  test('harness/cli rejects unknown methods and commands', () => {
    const run = paperproof('run', '--method', 'nope');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown method 'nope'");
    expect(paperproof('frobnicate').code).toBe(2);
    expect(paperproof('run', '--profile', 'huge').code).toBe(2);
    expect(paperproof('run', '--seed', 'abc').stderr).toContain("--seed must be an integer seed, got 'abc'");
  });

  test('harness/cli check-history exit codes', () => {
    const ok = paperproof('check-history', join(dir, 'ok.json'));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('linearizable');
    const bad = paperproof('check-history', join(dir, 'bad.json'));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('NOT linearizable');
    expect(bad.stdout).toContain('cannot place: read() = 2');
    const both = paperproof('check-history', join(dir, 'ok.json'), join(dir, 'bad.json'));
    expect(both.code).toBe(1);
    const unknown = paperproof('check-history', join(dir, 'hard.json'), '--timeout', '0.001');
    expect(unknown.code).toBe(3);
    expect(unknown.stdout).toContain('unknown (time budget exhausted)');
  });

  test('harness/cli check-history json output', () => {
    const { code, stdout } = paperproof('check-history', '--json', join(dir, 'ok.json'), join(dir, 'bad.json'));
    expect(code).toBe(1);
    const records = stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ result: 'ok', partitions: 1, operations: 2 });
    expect(records[1]).toMatchObject({ result: 'illegal', partitions: 1, operations: 2 });
    expect(typeof records[1].millis).toBe('number');
    expect(records[1].blockedOperation.operation).toBe('read() = 2');
  });

  test('harness/cli check-history bad input', () => {
    const broken = paperproof('check-history', join(dir, 'broken.json'));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.json:5: invalid JSON .*\[truncated\]/);
    const missing = paperproof('check-history', join(dir, 'missing.log'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('file not found');
    const wrongModel = paperproof('check-history', join(dir, 'ok.json'), '--model', 'queue');
    expect(wrongModel.code).toBe(2);
    expect(wrongModel.stderr).toContain("is a history for model 'register'");
    expect(paperproof('check-history', join(dir, 'ok.json'), '--format', 'csv').code).toBe(2);
  });

  test('harness/cli explore finds, prints and replays a violation', () => {
    const found = paperproof('explore', '--system', 'chain-buggy', '--explorer', 'dpor', '--harness', '2R+1W');
    expect(found.code).toBe(1);
    expect(found.stdout).toContain('VIOLATION found');
    expect(found.stdout).toContain('cannot place');
    const token = /replay token: (\S+)/.exec(found.stdout)?.[1];
    expect(token).toBeDefined();
    const replayed = paperproof('explore', '--replay', token!);
    expect(replayed.code).toBe(1);
    expect(replayed.stdout).toContain('NOT linearizable');
    const again = paperproof('explore', '--replay', token!);
    expect(again.stdout).toBe(replayed.stdout);
    const clean = paperproof('explore', '--system', 'chain', '--explorer', 'dpor', '--harness', '2R+1W');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^no violation in \d+ schedules/);
  });

  test('harness/cli explore bad usage', () => {
    const system = paperproof('explore', '--system', 'raft');
    expect(system.code).toBe(2);
    expect(system.stderr).toContain("unknown system 'raft'");
    const explorer = paperproof('explore', '--system', 'chain', '--explorer', 'bfs');
    expect(explorer.code).toBe(2);
    expect(explorer.stderr).toContain("unknown explorer 'bfs'");
    const budget = paperproof('explore', '--system', 'chain', '--budget', '0');
    expect(budget.code).toBe(2);
    expect(budget.stderr).toContain('--budget must be a positive number');
    const token = paperproof('explore', '--replay', 'ds2.1.chain.2R_1W.zz.000.AA');
    expect(token.code).toBe(2);
    expect(token.stderr).toContain('malformed replay token');
    const cut = paperproof('explore', '--replay', 'ds2.1.chain.2R_1W.us.000.gA');
    expect(cut.stderr).toContain('cut off');
  });

  test('harness/cli report rejects foreign files', () => {
    writeFileSync(join(dir, 'old.json'), JSON.stringify({ schemaVersion: 0, methods: [] }));
    const old = paperproof('report', '--in', join(dir, 'old.json'), '--out', join(dir, 'out'));
    expect(old.code).toBe(2);
    expect(old.stderr).toContain('schemaVersion 0');
    const notJson = paperproof('report', '--in', join(dir, 'ok.json'), '--out', join(dir, 'out'));
    expect(notJson.code).toBe(2);
  });
});
