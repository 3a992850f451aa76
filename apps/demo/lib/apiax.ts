import 'server-only';
import type { ApiaxAuth } from '@apiax-auth/core';
import { createApiaxNext } from '@apiax-auth/next';
import { createDemoClock, type DemoClock } from '../src/shared/demo-clock.js';
import { demoClientOptions, readDemoMode } from '../src/shared/demo-settings.js';
import { recordAuthEvents, type AuthEventLog } from '../src/shared/auth-event-log.js';

/**
 * Next.js evaluates this module once per bundle layer (pages, route handlers, actions): what must
 * be one per server process (the clock the client reads, the timeline listening to the client)
 * lives on `globalThis`. The client itself is the adapter's, which keeps one per process already.
 */
interface NextDemoGlobals {
  clock: DemoClock;
  timelines: WeakMap<ApiaxAuth, AuthEventLog>;
}

const GLOBALS = Symbol.for('apiax-auth.demo.next');
const globals = ((globalThis as Record<symbol, unknown>)[GLOBALS] ??= {
  clock: createDemoClock(),
  timelines: new WeakMap(),
}) as NextDemoGlobals;

/** The Next app's demo clock: its client's `now`, moved by the dashboard's fast-forward. */
export const nextDemoClock: DemoClock = globals.clock;

// Creating these sends nothing and needs no credentials: the client comes to life on first use.
export const { apiax, withApiax } = createApiaxNext(demoClientOptions(nextDemoClock, readDemoMode()));

/**
 * The Next app's timeline. Subscribes on first use (at request time: `apiax.auth` creates the client,
 * which must not happen during `next build`), once per client.
 */
export function nextTimeline(): AuthEventLog {
  const auth = apiax.auth;
  let log = globals.timelines.get(auth);
  if (log === undefined) {
    log = recordAuthEvents(auth, 'next', nextDemoClock.now);
    globals.timelines.set(auth, log);
  }
  return log;
}
