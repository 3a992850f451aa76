import type { ApiaxAuth, ApiaxAuthStatus } from '@apiax-auth/core';
import type { AuthEventLog } from './auth-event-log.js';
import type { DemoClock } from './demo-clock.js';
import type { DemoEvent } from './demo-event.js';

export type AdapterName = 'express' | 'nest' | 'next';

/** What each app's `GET /__demo/status` answers: plain data, no token (status() holds none). */
export interface AppSnapshot {
  adapter: AdapterName;
  status: ApiaxAuthStatus;
  /** The app's demo clock when the snapshot was taken (epoch ms): the reference for the expiries. */
  now: number;
  clockOffsetMs: number;
  events: DemoEvent[];
}

export function takeSnapshot(adapter: AdapterName, auth: Pick<ApiaxAuth, 'status'>, clock: DemoClock, log: AuthEventLog): AppSnapshot {
  return { adapter, status: auth.status(), now: clock.now(), clockOffsetMs: clock.offsetMs, events: log.events() };
}
