#!/usr/bin/env node
// Entry point of the `paperproof` command. The suite is written in TypeScript and runs from a
// fresh clone without a build step: tsx compiles each module as it is loaded.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../harness/cli/main.ts');
const code = await main(process.argv.slice(2));
// -1: the command keeps the process alive on purpose (a benchmark worker waiting for messages).
if (code !== -1) process.exitCode = code;
