import { randomBytes } from 'node:crypto';
import type { ApiaxAuthLogger, TokenRecord } from '../../src/index.js';

/** An account key as core derives it (issuer, client id, username): what the store's keys are named by. */
export const ACCOUNT = 'apiax-auth:v1:http://127.0.0.1:4000/auth/realms/apiax#integration-api#demo';

/** Secrets with a recognisable shape, so a test can search any output for them. */
export const CANARY = {
  accessToken: 'eyJcanary-access-token.7f3a9c',
  refreshToken: 'canary-refresh-token-51d0e8',
};

/** A record as the client would write it right after a grant at `at` (epoch ms). */
export function sampleRecord(at = 1_700_000_000_000, overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    accessToken: CANARY.accessToken,
    accessTokenExpiresAt: at + 1800_000,
    refreshToken: CANARY.refreshToken,
    refreshTokenExpiresAt: at + 1_209_600_000,
    obtainedAt: at,
    sessionStartedAt: at,
    scope: 'openid profile',
    ...overrides,
  };
}

export function randomKey(): Buffer {
  return randomBytes(32);
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  details: Record<string, unknown> | undefined;
}

/** A logger that keeps what it is told, for assertions. */
export function recordingLogger(): ApiaxAuthLogger & { entries: LogEntry[]; at(level: LogEntry['level']): LogEntry[] } {
  const entries: LogEntry[] = [];
  const log =
    (level: LogEntry['level']) =>
    (message: string, details?: Record<string, unknown>): void => {
      entries.push({ level, message, details });
    };
  return {
    entries,
    at: (level) => entries.filter((entry) => entry.level === level),
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
  };
}

/** A promise with its resolve function, to hold a critical section open. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
