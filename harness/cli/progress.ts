/**
 * Progress on stderr: a cli-progress bar when stderr is a terminal, plain throttled lines
 * otherwise (CI logs).
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Starts a stage of `total` steps. */
  start(stage: string, total: number): void;
  /** Shows what is happening inside the current step. */
  message(text: string): void;
  /** Marks one step of the current stage as done. */
  increment(): void;
  stop(): void;
}

/** Creates a progress display on stderr; `quiet` shows nothing. */
export function createProgress(quiet = false): Progress {
  if (quiet) return { start() {}, message() {}, increment() {}, stop() {} };
  if (process.stderr.isTTY) return terminalProgress();
  return lineProgress();
}

function terminalProgress(): Progress {
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: '{stage} [{bar}] {value}/{total} {message}', barsize: 24, hideCursor: true, clearOnComplete: true, linewrap: false },
    cliProgress.Presets.shades_classic,
  );
  let active = false;
  return {
    start(stage, total) {
      if (active) bar.stop();
      bar.start(total, 0, { stage, message: '' });
      active = true;
    },
    message(text) {
      if (active) bar.update({ message: text.length > 60 ? `${text.slice(0, 57)}...` : text });
    },
    increment() {
      if (active) bar.increment();
    },
    stop() {
      if (active) bar.stop();
      active = false;
    },
  };
}

function lineProgress(): Progress {
  let stage = '';
  let done = 0;
  let total = 0;
  let lastWrite = 0;
  return {
    start(name, steps) {
      stage = name;
      done = 0;
      total = steps;
      process.stderr.write(`${stage}: ${total} step${total === 1 ? '' : 's'}\n`);
    },
    message(text) {
      // At most one line every two seconds, so CI logs stay readable.
      const now = Date.now();
      if (now - lastWrite < 2000) return;
      lastWrite = now;
      process.stderr.write(`${stage} [${done}/${total}] ${text}\n`);
    },
    increment() {
      done++;
    },
    stop() {},
  };
}
