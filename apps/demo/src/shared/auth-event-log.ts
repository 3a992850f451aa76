import type { ApiaxAuth, ApiaxAuthError, ApiaxRetryEvent, ApiaxTokenEvent } from '@apiax-auth/core';
import type { DemoEvent, DemoSource } from './demo-event.js';
import { formatDuration } from './format-duration.js';

/** The timeline of one app: the last events of its client, newest last. */
export interface AuthEventLog {
  events(): DemoEvent[];
  /** Adds a line that did not come from the client: a dashboard control, shown as from `demo`. */
  note(title: string, detail?: string): void;
  /** Stops listening to the client. */
  stop(): void;
}

const KEPT_EVENTS = 80;

const REFRESH_REASONS: Record<ApiaxTokenEvent['reason'], string> = {
  initial: 'first grant',
  relogin: 'the session was gone',
  expiring: 'ahead of expiry',
  expired: 'after expiry',
  forced: 'forced',
  unauthorized: 'after a 401 from the API',
  background: 'in the background',
};

/**
 * Subscribes to a client's `token`, `retry` and `error` events and keeps them as timeline lines.
 * `now` is the client's clock: lifetimes are shown as that clock sees them.
 */
export function recordAuthEvents(
  auth: Pick<ApiaxAuth, 'on'>,
  source: DemoSource,
  now: () => number,
  wallClock: () => number = Date.now,
): AuthEventLog {
  const kept: DemoEvent[] = [];
  let sequence = 0;
  const push = (event: Omit<DemoEvent, 'id' | 'source' | 'at'>, from: DemoSource = source): void => {
    kept.push({ id: `${from}-${++sequence}`, source: from, at: wallClock(), ...event });
    if (kept.length > KEPT_EVENTS) kept.splice(0, kept.length - KEPT_EVENTS);
  };
  const unsubscribers = [
    auth.on('token', (event) => push(describeTokenEvent(event, now()))),
    auth.on('retry', (event) => push(describeRetryEvent(event))),
    auth.on('error', (error) => push(describeError(error))),
  ];
  return {
    events: () => [...kept],
    note: (title, detail = '') => push({ kind: 'control', title, detail }, 'demo'),
    stop: () => {
      for (const unsubscribe of unsubscribers) unsubscribe();
    },
  };
}

export function describeTokenEvent(event: ApiaxTokenEvent, now: number): Omit<DemoEvent, 'id' | 'source' | 'at'> {
  const lifetimes = [
    `access token valid ${formatDuration(event.accessTokenExpiresAt - now)}`,
    event.refreshTokenExpiresAt === null ? 'session end unknown' : `session ends in ${formatDuration(event.refreshTokenExpiresAt - now)}`,
  ].join(' · ');
  if (event.grant === 'store') return { kind: 'adopted', title: 'Token adopted from the store', detail: lifetimes };
  if (event.grant === 'password') {
    return event.reason === 'initial'
      ? { kind: 'login', title: 'Logged in', detail: lifetimes }
      : { kind: 'relogin', title: 'Logged in again', detail: `${REFRESH_REASONS[event.reason]} · ${lifetimes}` };
  }
  return { kind: 'refresh', title: 'Token refreshed', detail: `${REFRESH_REASONS[event.reason]} · ${lifetimes}` };
}

export function describeRetryEvent(event: ApiaxRetryEvent): Omit<DemoEvent, 'id' | 'source' | 'at'> {
  const grant = event.grant === 'password' ? 'Login' : 'Refresh';
  return {
    kind: 'retry',
    title: `${grant} failed, retrying`,
    detail: `${describeCause(event.error)} · attempt ${event.attempt}, next in ${(event.delayMs / 1000).toFixed(1)} s`,
  };
}

export function describeError(error: ApiaxAuthError): Omit<DemoEvent, 'id' | 'source' | 'at'> {
  return { kind: 'error', title: `Error: ${error.code}`, detail: describeCause(error) };
}

function describeCause(error: ApiaxAuthError): string {
  const status = error.status === undefined ? '' : `HTTP ${error.status}, `;
  const oauthError = error.oauthError === undefined ? '' : ` (${error.oauthError})`;
  return `${status}${error.code}${oauthError}: ${error.message}`;
}
