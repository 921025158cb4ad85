/**
 * Facts about the machine and the suite's own revision, for reports.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { MachineRecord } from '../../reports/schema';

/** Describes this machine. */
export function machineRecord(): MachineRecord {
  const list = cpus();
  return { cpus: list.length, memoryBytes: totalmem(), node: process.version, platform: `${platform()} ${release()}`, cpuModel: list[0]?.model?.trim() };
}

/** Returns the suite's version and git revision (null outside a git checkout). */
export function producerRecord(root: string): { version: string; revision: string | null } {
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  let revision: string | null = null;
  try {
    revision = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    revision = null;
  }
  return { version, revision };
}
