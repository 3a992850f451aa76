import type { ApiaxAuthLogger } from './options.js';
import type { Redactor } from './redaction.js';

export type LogLevel = keyof ApiaxAuthLogger;

/** The logger the engine writes to: the user's shape, but prefixed, scrubbed, and never throwing into a grant. */
export type SafeLogger = ApiaxAuthLogger;

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * Wraps the user's logger (silent when none). Lines are built from fixed text and non-secret
 * fields already; the redactor runs over them anyway, as a second line of defence.
 */
export function createSafeLogger(logger: ApiaxAuthLogger | undefined, redactor: Redactor): SafeLogger {
  const write = (level: LogLevel) => (message: string, details?: Record<string, unknown>) => {
    if (logger === undefined) return;
    try {
      const line = redactor.scrub(`[apiax-auth] ${message}`);
      if (details === undefined) logger[level](line);
      else logger[level](line, redactor.scrubData(details));
    } catch {
      // A broken logger must not break authentication.
    }
  };
  return Object.fromEntries(LEVELS.map((level) => [level, write(level)])) as unknown as SafeLogger;
}
