/**
 * Location of third-party data (recorded histories, graphs). It is read from the folder given by
 * `--data DIR` or the `PAPERPROOF_DATA` environment variable, laid out like the suite's reference
 * data folder (`histories/jepsen-etcd/`, `histories/kv/`, `graphs/`), and is never part of the
 * project itself. Without it every method falls back to data the suite generates.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** Where the data folder setting came from. */
export type DataSource = 'option' | 'environment';

/** A resolved data folder. */
export interface DataFolder {
  dir: string;
  source: DataSource;
}

/**
 * Resolves the data folder from `--data` (takes precedence) or `PAPERPROOF_DATA`.
 *
 * @returns the folder, or null when neither is set
 * @throws Error naming the path when the setting points at something that is not a folder
 */
export function resolveDataFolder(option?: string, env: NodeJS.ProcessEnv = process.env): DataFolder | null {
  const raw = option ?? env.PAPERPROOF_DATA;
  if (raw === undefined || raw === '') return null;
  const source: DataSource = option !== undefined ? 'option' : 'environment';
  const dir = isAbsolute(raw) ? raw : resolve(process.cwd(), raw);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    const name = source === 'option' ? '--data' : 'PAPERPROOF_DATA';
    throw new Error(`${name} points at '${raw}', which is not a folder; point it at a data folder such as ../shared/data, or unset it to use generated data`);
  }
  return { dir, source };
}

/** Returns the path of `relative` inside the data folder when that file or folder exists. */
export function dataPath(folder: DataFolder | null, relative: string): string | null {
  if (folder === null) return null;
  const path = join(folder.dir, relative);
  return existsSync(path) ? path : null;
}

/**
 * True when tests must fail rather than skip if the data folder is missing
 * (`PAPERPROOF_REQUIRE_DATA=1`, set by CI).
 */
export function dataRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.PAPERPROOF_REQUIRE_DATA === '1';
}
