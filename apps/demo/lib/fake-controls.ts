import 'server-only';
import { formatDuration } from '../src/shared/format-duration.js';
import { nextDemoClock, nextTimeline } from './apiax.js';
import { readDemoEnvironment } from './demo-env.js';
import type { ControlResult } from './dashboard-types.js';

/** The jumps the dashboard offers: past an access token's life, and half a demo session. */
export const FAST_FORWARD_SECONDS = [60, 300] as const;
export type FastForwardSeconds = (typeof FAST_FORWARD_SECONDS)[number];

/** How many token requests fail when asked to: fewer than core's retries, so every client rides through. */
export const INJECTED_FAILURES = 3;

const CONTROL_TIMEOUT_MS = 5_000;

/**
 * Moves time for everyone: the fake first, then the Express and Nest apps and the fleet, then this one. A client
 * moved before the fake would act on a jump the server has not made yet.
 */
export async function fastForward(seconds: FastForwardSeconds): Promise<ControlResult> {
  const environment = readDemoEnvironment();
  if (environment.fakeAdminUrl === null) return refusedOnRealApiax();
  const body = JSON.stringify({ seconds });
  await post(`${environment.fakeAdminUrl}/__fake/advance`, body);
  const fleetUrls = environment.fleet.running ? environment.fleet.urls : [];
  await Promise.all(
    [environment.expressUrl, environment.nestUrl, ...fleetUrls].map((url) =>
      url === null ? Promise.resolve() : post(`${url}/__demo/advance`, body).then(() => undefined),
    ),
  );
  nextDemoClock.advance(seconds);
  const everyone = fleetUrls.length > 0 ? 'all three clients and the fleet' : 'all three clients';
  const message = `Time moved ${formatDuration(seconds * 1000)} forward for the fake and ${everyone}`;
  nextTimeline().note(`Fast-forward ${formatDuration(seconds * 1000)}`, message);
  return { ok: true, message };
}

/** Ends every Keycloak session, as an admin would (or the 14 days would). */
export async function endAllSessions(): Promise<ControlResult> {
  const environment = readDemoEnvironment();
  if (environment.fakeAdminUrl === null) return refusedOnRealApiax();
  await post(`${environment.fakeAdminUrl}/__fake/end-sessions`, '{}');
  const message = 'Sessions ended on the server: each client finds out at its next call or refresh, and logs in again';
  nextTimeline().note('All sessions ended', message);
  return { ok: true, message };
}

/** The next token requests get an HTML 503, as from an overloaded proxy in front of Keycloak. */
export async function failTokenEndpoint(): Promise<ControlResult> {
  const environment = readDemoEnvironment();
  if (environment.fakeAdminUrl === null) return refusedOnRealApiax();
  await post(`${environment.fakeAdminUrl}/__fake/fail`, JSON.stringify({ fault: { type: 'html', status: 503 }, count: INJECTED_FAILURES }));
  const message = `The next ${INJECTED_FAILURES} token requests will get an HTML 503: refreshes retry with backoff while valid tokens keep serving`;
  nextTimeline().note('Token endpoint failing', message);
  return { ok: true, message };
}

function refusedOnRealApiax(): ControlResult {
  return { ok: false, message: 'Only the embedded fake can be controlled; this demo talks to the real Apiax' };
}

async function post(url: string, body: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    cache: 'no-store',
    signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS),
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`${new URL(url).pathname} answered ${response.status}`);
}
