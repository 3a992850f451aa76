import type { FleetSetup } from '../src/shared/fleet-settings.js';
import type { FleetInstanceSnapshot } from '../src/shared/fleet-snapshot.js';
import type { FleetAccountCounts, FleetInstanceView, FleetView } from './dashboard-types-fleet.js';

// Pure: how the fleet card's data is made from what the instances and the fake answer.

/** One entry of the fake's request log, as `/__fake/stats` gives it (never a secret). */
export interface LoggedRequest {
  endpoint?: unknown;
  grantType?: unknown;
  username?: unknown;
}

/** Pure: the card's view from the instances' rows and the fake's counts for the fleet's account. */
export function fleetViewOf(setup: FleetSetup, instances: FleetInstanceView[], account: FleetAccountCounts | null): FleetView {
  if (!setup.running) return { running: false, absence: setup.absence };
  return { running: true, instances, account, sharedFingerprint: sharedFingerprintOf(instances) };
}

/** Pure: a row of the card from an instance's snapshot, or from why there is none. */
export function instanceViewOf(instance: number, snapshot: FleetInstanceSnapshot | string): FleetInstanceView {
  if (typeof snapshot === 'string') {
    return {
      instance,
      reachable: false,
      problem: snapshot,
      pid: null,
      state: null,
      store: null,
      grants: { password: 0, refresh: 0 },
      adopted: 0,
      lastSource: null,
      tokenFingerprint: null,
      calls: { ok: 0, failed: 0 },
      accessTokenRemainingMs: null,
    };
  }
  const { status } = snapshot;
  return {
    instance,
    reachable: true,
    problem: null,
    pid: snapshot.pid,
    state: status.state,
    store: status.store,
    grants: status.grants,
    adopted: snapshot.adopted,
    lastSource: snapshot.lastSource,
    tokenFingerprint: snapshot.tokenFingerprint,
    calls: snapshot.calls,
    accessTokenRemainingMs: status.accessTokenExpiresAt === null ? null : status.accessTokenExpiresAt - snapshot.now,
  };
}

/** Pure: the one fingerprint all instances hold, when every instance holds a token and it is the same. */
export function sharedFingerprintOf(instances: readonly FleetInstanceView[]): string | null {
  const fingerprints = new Set(instances.map((instance) => instance.tokenFingerprint));
  if (fingerprints.size !== 1) return null;
  const [only] = fingerprints;
  return only ?? null;
}

/**
 * Pure: the grants and calls of one account in the fake's request log (the log keeps the last 10,000
 * requests or so: plenty for a demo run). Refused grants count too: each one reached the server.
 */
export function accountCounts(requests: readonly LoggedRequest[], username: string): FleetAccountCounts {
  const counts: FleetAccountCounts = { logins: 0, refreshes: 0, apiCalls: 0 };
  for (const request of requests) {
    if (request.username !== username) continue;
    if (request.endpoint === 'api') counts.apiCalls += 1;
    else if (request.endpoint === 'token' && request.grantType === 'password') counts.logins += 1;
    else if (request.endpoint === 'token' && request.grantType === 'refresh_token') counts.refreshes += 1;
  }
  return counts;
}
