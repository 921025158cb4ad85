/**
 * The suite's one small logger. Everything goes to stderr, so stdout carries only results (the
 * summary table, `--json` output). The level comes from `PAPERPROOF_LOG` (error, warn, info,
 * debug; default info) or `--quiet`/`--verbose`.
 */

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  /** Returns a logger that prefixes messages with `[scope]`. */
  child(scope: string): Logger;
}

/** Parses a log level name. @throws Error naming the value and the accepted names. */
export function parseLogLevel(raw: string): LogLevel {
  if (raw in RANK) return raw as LogLevel;
  throw new Error(`log level must be one of error, warn, info, debug; got '${raw}'`);
}

/** Creates a logger writing to `stream` (stderr by default). */
export function createLogger(level: LogLevel = levelFromEnv(), stream: NodeJS.WritableStream = process.stderr, scope = ''): Logger {
  const write = (at: LogLevel, message: string) => {
    if (RANK[at] > RANK[level]) return;
    const prefix = at === 'info' ? '' : `${at}: `;
    stream.write(`${scope === '' ? '' : `[${scope}] `}${prefix}${message}\n`);
  };
  return {
    error: (m) => write('error', m),
    warn: (m) => write('warn', m),
    info: (m) => write('info', m),
    debug: (m) => write('debug', m),
    child: (child) => createLogger(level, stream, scope === '' ? child : `${scope}/${child}`),
  };
}

function levelFromEnv(): LogLevel {
  const raw = process.env.PAPERPROOF_LOG;
  return raw === undefined || raw === '' ? 'info' : parseLogLevel(raw);
}
