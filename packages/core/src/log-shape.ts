/**
 * Loggers disagree on argument order: console and winston take `(message, details)`, pino takes
 * `(details, message)`, Nest's `Logger` takes `(message, context)` and has `log` where others have
 * `info`. Passing details the wrong way round drops them silently, so the shape is detected once
 * and every line is written the way that logger keeps it.
 */

/** A level the engine writes at. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Writes one line: `message` (already prefixed and scrubbed) with optional structured `details`. */
export type LineWriter = (level: LogLevel, message: string, details: Record<string, unknown> | undefined) => void;

/** The shapes recognised, for the README and the tests. */
export type LoggerShape = 'pino' | 'nest' | 'message-first';

type LoggerLike = Record<string, unknown>;

/**
 * - `pino`: an object with `child()` and pino's `levels: { values, labels }` (pino and its children);
 * - `nest`: `log()` and `verbose()` but no `info()` (Nest's `Logger` and `ConsoleLogger`);
 * - `message-first`: anything else (console, winston, log4js, a hand-written object).
 */
export function loggerShape(logger: object): LoggerShape {
  const candidate = logger as LoggerLike;
  const levels = candidate['levels'] as { values?: unknown; labels?: unknown } | undefined;
  if (typeof candidate['child'] === 'function' && typeof levels === 'object' && levels !== null && typeof levels.values === 'object') {
    return 'pino';
  }
  if (typeof candidate['log'] === 'function' && typeof candidate['verbose'] === 'function' && typeof candidate['info'] !== 'function') {
    return 'nest';
  }
  return 'message-first';
}

/** Details as one compact JSON text, for loggers that keep only strings. */
export function inlineDetails(details: Record<string, unknown> | undefined): string {
  if (details === undefined) return '';
  const defined = Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined));
  return Object.keys(defined).length === 0 ? '' : ` ${JSON.stringify(defined)}`;
}

/** The writer for `logger`, by its shape. */
export function lineWriter(logger: object): LineWriter {
  const target = logger as Record<string, (...args: unknown[]) => void>;
  switch (loggerShape(logger)) {
    case 'pino':
      return (level, message, details) => (details === undefined ? target[level]!(message) : target[level]!(details, message));
    case 'nest':
      // Nest prints a string second argument as the context, and an object as a second message: details go inline.
      return (level, message, details) => {
        const method = level === 'info' ? 'log' : level;
        target[method]?.call(logger, `${message}${inlineDetails(details)}`, 'ApiaxAuth');
      };
    case 'message-first':
      return (level, message, details) => {
        const method = typeof target[level] === 'function' ? level : 'log';
        if (details === undefined) target[method]!.call(logger, message);
        else target[method]!.call(logger, message, details);
      };
  }
}
