import { lineWriter, inlineDetails, type LineWriter, type LogLevel } from './log-shape.js';
import type { ApiaxAuthLogger, ApiaxAuthNestLikeLogger } from './option-types.js';
import type { Redactor } from './redaction.js';

export type { LogLevel } from './log-shape.js';

/** The logger the engine writes to: `(message, details)`, prefixed, scrubbed, and never throwing into a grant. */
export interface SafeLogger {
  debug(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * Without a `logger` option: what needs a human (a rejected login, an unreachable endpoint, a failing
 * store: `warn` and `error`) goes to the console as one line each, details inline; `debug` and
 * `info` stay quiet. `logger: false` silences everything.
 */
export const defaultLineWriter: LineWriter = (level, message, details) => {
  if (level === 'warn') console.warn(`${message}${inlineDetails(details)}`);
  else if (level === 'error') console.error(`${message}${inlineDetails(details)}`);
};

/**
 * Wraps the user's logger, writing each line the way its shape keeps details (see log-shape.ts);
 * `undefined` → {@link defaultLineWriter}, `false` → silent. Lines are built from fixed text and
 * non-secret fields already; the redactor runs over them anyway, as a second line of defence.
 */
export function createSafeLogger(logger: ApiaxAuthLogger | ApiaxAuthNestLikeLogger | false | undefined, redactor: Redactor): SafeLogger {
  const writer: LineWriter | undefined = logger === false ? undefined : logger === undefined ? defaultLineWriter : lineWriter(logger);
  const write = (level: LogLevel) => (message: string, details?: Record<string, unknown>) => {
    if (writer === undefined) return;
    try {
      writer(level, redactor.scrub(`[apiax-auth] ${message}`), details === undefined ? undefined : redactor.scrubData(details));
    } catch {
      // A broken logger must not break authentication.
    }
  };
  return Object.fromEntries(LEVELS.map((level) => [level, write(level)])) as unknown as SafeLogger;
}
