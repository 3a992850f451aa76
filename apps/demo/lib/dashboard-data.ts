import 'server-only';
import { ApiaxAuthError } from '@apiax-auth/core';
import type { AppSnapshot, AdapterName } from '../src/shared/app-snapshot.js';
import type { DemoEvent } from '../src/shared/demo-event.js';
import { FAKE_LIFETIMES } from '../src/shared/demo-settings.js';
import { takeSnapshot } from '../src/shared/app-snapshot.js';
import { apiax, nextDemoClock, nextTimeline } from './apiax.js';
import { readDemoEnvironment } from './demo-env.js';
import type { AdapterView, DashboardData } from './dashboard-types.js';
import { fetchFakeStats } from './fake-stats.js';
import { loadFleetInstances } from './fleet-data.js';
import { fleetViewOf } from './fleet-view.js';

const SHOWN_EVENTS = 60;
const PEER_TIMEOUT_MS = 2_500;
const REAL_ACCESS_TOKEN_LIFETIME_MS = 30 * 60 * 1000;

/** Reads the three clients' status (its own directly, the others over HTTP), the fleet's, and the fake's counters. */
export async function loadDashboard(): Promise<DashboardData> {
  const environment = readDemoEnvironment();
  const own = ownSnapshot();
  const [express, nest, fake, fleetInstances] = await Promise.all([
    fetchSnapshot('express', environment.expressUrl),
    fetchSnapshot('nest', environment.nestUrl),
    environment.fakeAdminUrl === null ? null : fetchFakeStats(environment.fakeAdminUrl),
    loadFleetInstances(environment.fleet),
  ]);
  const views = [viewOf('express', express), viewOf('nest', nest), viewOf('next', own)];
  const events = [express, nest, own]
    .flatMap((snapshot) => (typeof snapshot === 'string' ? [] : snapshot.events))
    .sort(newestFirst)
    .slice(0, SHOWN_EVENTS);
  return {
    mode: environment.mode,
    apiOrigin: environment.apiOrigin,
    sessionMaxMs: environment.sessionMaxMs,
    accessTokenLifetimeMs: environment.mode === 'fake' ? FAKE_LIFETIMES.accessTokenSeconds * 1000 : REAL_ACCESS_TOKEN_LIFETIME_MS,
    clockOffsetMs: nextDemoClock.offsetMs,
    adapters: views,
    fake: fake?.view ?? null,
    fleet: fleetViewOf(environment.fleet, fleetInstances, fake?.fleetAccount ?? null),
    events,
  };
}

/** This app's snapshot; a client that cannot even be created (bad `APIAX_*` config) shows why instead. */
function ownSnapshot(): AppSnapshot | string {
  try {
    return takeSnapshot('next', apiax.auth, nextDemoClock, nextTimeline());
  } catch (error) {
    return error instanceof ApiaxAuthError ? `${error.code}: ${error.message}` : 'the Next app has no client';
  }
}

function newestFirst(a: DemoEvent, b: DemoEvent): number {
  return b.at - a.at || b.id.localeCompare(a.id);
}

/** A snapshot, or why there is none. */
async function fetchSnapshot(adapter: AdapterName, baseUrl: string | null): Promise<AppSnapshot | string> {
  if (baseUrl === null) return `no URL for the ${adapter} app (start the demo with \`pnpm demo\`)`;
  try {
    const response = await fetch(`${baseUrl}/__demo/status`, { cache: 'no-store', signal: AbortSignal.timeout(PEER_TIMEOUT_MS) });
    if (!response.ok) return `the ${adapter} app answered ${response.status}`;
    return (await response.json()) as AppSnapshot;
  } catch {
    return `the ${adapter} app does not answer`;
  }
}

function viewOf(adapter: AdapterName, snapshot: AppSnapshot | string): AdapterView {
  if (typeof snapshot === 'string') {
    return {
      adapter,
      reachable: false,
      problem: snapshot,
      state: null,
      accessTokenRemainingMs: null,
      refreshTokenRemainingMs: null,
      grants: { password: 0, refresh: 0 },
      lastError: null,
      clockOffsetMs: 0,
    };
  }
  const { status, now } = snapshot;
  return {
    adapter,
    reachable: true,
    problem: null,
    state: status.state,
    accessTokenRemainingMs: status.accessTokenExpiresAt === null ? null : status.accessTokenExpiresAt - now,
    refreshTokenRemainingMs: status.refreshTokenExpiresAt === null ? null : status.refreshTokenExpiresAt - now,
    grants: status.grants,
    lastError: status.lastError,
    clockOffsetMs: snapshot.clockOffsetMs,
  };
}
