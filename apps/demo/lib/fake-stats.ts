import 'server-only';
import { FLEET_USERNAME } from '../src/shared/fleet-settings.js';
import type { FakeView } from './dashboard-types.js';
import type { FleetAccountCounts } from './dashboard-types-fleet.js';
import { accountCounts, type LoggedRequest } from './fleet-view.js';

const STATS_TIMEOUT_MS = 2_500;

/** The fake's counters, and what its request log says about the fleet's account. */
export interface FakeStats {
  view: FakeView;
  fleetAccount: FleetAccountCounts;
}

/** Reads `/__fake/stats` once; `null` when the fake does not answer. */
export async function fetchFakeStats(adminUrl: string): Promise<FakeStats | null> {
  try {
    const response = await fetch(`${adminUrl}/__fake/stats`, { cache: 'no-store', signal: AbortSignal.timeout(STATS_TIMEOUT_MS) });
    if (!response.ok) return null;
    const stats = (await response.json()) as Record<string, unknown>;
    const requests = Array.isArray(stats.requests) ? (stats.requests as LoggedRequest[]) : [];
    return { view: fakeViewOf(stats), fleetAccount: accountCounts(requests, FLEET_USERNAME) };
  } catch {
    return null;
  }
}

/** Pure: the counters the "Fake Apiax saw" panel shows; anything missing counts as 0. */
export function fakeViewOf(stats: Record<string, unknown>): FakeView {
  const count = (key: keyof FakeView): number => (typeof stats[key] === 'number' ? stats[key] : 0);
  return {
    tokenRequests: count('tokenRequests'),
    password: count('password'),
    refresh: count('refresh'),
    failedLogins: count('failedLogins'),
    failedRefreshes: count('failedRefreshes'),
    apiCalls: count('apiCalls'),
    rejectedApiCalls: count('rejectedApiCalls'),
    activeSessions: count('activeSessions'),
  };
}
