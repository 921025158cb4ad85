/**
 * Child-process entry of an isolated training run: reads a RunRequest (or an InterleavedRequest)
 * from the JSON file named by the first argument, runs it, and prints the result as the last line
 * of stdout.
 */
import { readFileSync } from 'node:fs';
import { parseBackendName, selectBackend } from '../../harness/tensor/backend';
import { executeInterleaved, executeRun, type InterleavedRequest, type RunRequest } from './runs';

const path = process.argv[2];
if (path === undefined) {
  process.stderr.write('usage: node --import tsx bench/gcn/worker.ts REQUEST.json\n');
  process.exit(2);
}
const request = JSON.parse(readFileSync(path, 'utf8')) as RunRequest | InterleavedRequest;
await selectBackend(parseBackendName(process.env.PAPERPROOF_BACKEND ?? 'auto'));
const result = 'kind' in request ? await executeInterleaved(request) : await executeRun(request);
process.stdout.write(`${JSON.stringify(result)}\n`);
