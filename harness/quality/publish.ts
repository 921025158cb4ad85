/**
 * Puts coverage and mutation figures into the report folder: writes `coverage.json` or
 * `mutation.json`, joins every quality file of the folder into its `results.json` when there is
 * one (and rewrites the pages), and otherwise writes the quality page on its own.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderQualityPage } from '../../reports/html';
import { readResults } from '../../reports/merge';
import type { Results } from '../../reports/schema';
import { writeReports } from '../../reports/write';
import { COVERAGE_FILE_KIND, attachQuality, readQualityFile, type QualityFile } from './files';

/** File name of each quality file kind in the report folder. */
export const QUALITY_FILE_NAMES = { coverage: 'coverage.json', mutation: 'mutation.json' } as const;

/** Paths the figures were written to. */
export interface PublishedQuality {
  /** The coverage or mutation file written. */
  file: string;
  /** `results.json` that now carries the figures, or null when the folder has none. */
  results: string | null;
  /** The quality page. */
  page: string;
}

/**
 * Writes `file` into `outDir` and rebuilds the report pages with every quality file there.
 *
 * @throws Error when an existing `results.json` or quality file in `outDir` cannot be read
 */
export async function publishQuality(outDir: string, file: QualityFile): Promise<PublishedQuality> {
  mkdirSync(outDir, { recursive: true });
  const name = file.kind === COVERAGE_FILE_KIND ? QUALITY_FILE_NAMES.coverage : QUALITY_FILE_NAMES.mutation;
  const path = join(outDir, name);
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);

  const files = siblingQualityFiles(outDir);
  const resultsPath = join(outDir, 'results.json');
  if (existsSync(resultsPath)) {
    const results = attachQuality(readResults(resultsPath), files);
    await writeReports(results, outDir);
    return { file: path, results: resultsPath, page: join(outDir, 'quality.html') };
  }

  return { file: path, results: null, page: writeQualityPageAlone(outDir, files) };
}

/**
 * Writes `quality.html` from coverage and mutation files alone, for a folder with no
 * `results.json`; the page then has no links to method pages.
 *
 * @returns the page's path
 */
export function writeQualityPageAlone(outDir: string, files: readonly QualityFile[]): string {
  mkdirSync(outDir, { recursive: true });
  const page = join(outDir, 'quality.html');
  writeFileSync(page, renderQualityPage(attachQuality(resultsWithoutMethods(), files), { methodPages: false }));
  return page;
}

/** Reads the coverage and mutation files present in `outDir`, coverage first. */
export function siblingQualityFiles(outDir: string): QualityFile[] {
  return Object.values(QUALITY_FILE_NAMES)
    .map((name) => join(outDir, name))
    .filter((path) => existsSync(path))
    .map((path) => readQualityFile(path));
}

/** Results with no methods, which {@link attachQuality} fills with the quality files' methods. */
function resultsWithoutMethods(): Results {
  return {
    schemaVersion: 1,
    createdAt: new Date().toISOString(),
    profile: 'quick',
    seed: 0,
    backend: { requested: 'none', used: 'none', fallbackKernels: [], notes: [] },
    machine: { cpus: 0, memoryBytes: 0, node: process.version, platform: process.platform },
    methods: [],
  };
}
