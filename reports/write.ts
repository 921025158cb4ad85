/**
 * Writes the three report files: `results.json`, `summary.md` and `index.html` (with one page per
 * method under `methods/`), and `quality.html` when coverage or mutation figures are present.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderIndex, renderMethodPage, renderQualityPage } from './html';
import { hasQuality } from './quality';
import { renderMarkdown } from './markdown';
import type { Results } from './schema';

/** Writes the reports for `results` into `outDir`; returns the paths written. */
export async function writeReports(results: Results, outDir: string): Promise<string[]> {
  mkdirSync(join(outDir, 'methods'), { recursive: true });
  const written: string[] = [];
  const write = (name: string, text: string) => {
    const path = join(outDir, name);
    writeFileSync(path, text);
    written.push(path);
  };
  write('results.json', `${JSON.stringify(results, null, 2)}\n`);
  write('summary.md', renderMarkdown(results));
  write('index.html', renderIndex(results, { bench: existsSync(join(outDir, 'bench.html')) }));
  for (const method of results.methods) write(join('methods', `${method.id}.html`), await renderMethodPage(results, method));
  if (hasQuality(results)) write('quality.html', renderQualityPage(results, { methodPages: true }));
  return written;
}
