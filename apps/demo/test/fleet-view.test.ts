import { describe, expect, it } from 'vitest';
import { accountCounts, instanceViewOf, sharedFingerprintOf } from '../lib/fleet-view.js';
import type { FleetInstanceSnapshot } from '../src/shared/fleet-snapshot.js';
import { fingerprintOf } from '../src/shared/token-fingerprint.js';

const snapshot = (instance: number, tokenFingerprint: string | null): FleetInstanceSnapshot => ({
  instance,
  pid: 1000 + instance,
  status: {
    state: 'valid',
    accessTokenExpiresAt: 61_000,
    refreshTokenExpiresAt: 600_000,
    grants: { password: instance === 1 ? 1 : 0, refresh: 0 },
    lastError: null,
    health: 'up',
    store: 'shared',
  },
  adopted: instance === 1 ? 0 : 1,
  lastSource: instance === 1 ? 'login' : 'adopted',
  tokenFingerprint,
  calls: { ok: 10, failed: 0 },
  now: 1_000,
  clockOffsetMs: 0,
});

describe('accountCounts', () => {
  it("counts one account's grants and calls in the fake's request log, refused ones included", () => {
    const log = [
      { endpoint: 'token', grantType: 'password', username: 'fleet', status: 200 },
      { endpoint: 'token', grantType: 'password', username: 'demo', status: 200 },
      { endpoint: 'token', grantType: 'refresh_token', username: 'fleet', status: 200 },
      { endpoint: 'token', grantType: 'refresh_token', username: 'fleet', status: 400 },
      { endpoint: 'api', username: 'fleet', status: 200 },
      { endpoint: 'api', username: 'demo', status: 200 },
      { endpoint: 'logout', username: 'fleet', status: 204 },
      { endpoint: 'token', grantType: 'password', status: 503 },
    ];
    expect(accountCounts(log, 'fleet')).toEqual({ logins: 1, refreshes: 2, apiCalls: 1 });
    expect(accountCounts([], 'fleet')).toEqual({ logins: 0, refreshes: 0, apiCalls: 0 });
  });
});

describe('the fleet rows', () => {
  it('makes expiries relative to the instance clock, and marks an instance that does not answer', () => {
    const row = instanceViewOf(1, snapshot(1, 'abcd1234'));
    expect(row).toMatchObject({ reachable: true, pid: 1001, accessTokenRemainingMs: 60_000, grants: { password: 1, refresh: 0 } });
    const down = instanceViewOf(3, 'instance 3 does not answer');
    expect(down).toMatchObject({ instance: 3, reachable: false, problem: 'instance 3 does not answer', tokenFingerprint: null });
  });

  it('names the one token when every instance holds the same, and none otherwise', () => {
    const rows = (fingerprints: Array<string | null>) =>
      fingerprints.map((fingerprint, index) => instanceViewOf(index + 1, snapshot(index + 1, fingerprint)));
    expect(sharedFingerprintOf(rows(['abcd1234', 'abcd1234', 'abcd1234']))).toBe('abcd1234');
    expect(sharedFingerprintOf(rows(['abcd1234', 'ffff0000', 'abcd1234']))).toBeNull();
    expect(sharedFingerprintOf(rows(['abcd1234', null]))).toBeNull();
    expect(sharedFingerprintOf(rows([null, null]))).toBeNull();
  });
});

describe('fingerprintOf', () => {
  it('is 8 hex digits of a SHA-256: equal for one token, different for another, no part of the token', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJmbGVldCJ9.c2lnbmF0dXJlLWNhbmFyeQ';
    expect(fingerprintOf(token)).toMatch(/^[0-9a-f]{8}$/);
    expect(fingerprintOf(token)).toBe(fingerprintOf(token));
    expect(fingerprintOf(`${token}x`)).not.toBe(fingerprintOf(token));
    for (const part of token.split('.')) expect(part).not.toContain(fingerprintOf(token));
  });
});
