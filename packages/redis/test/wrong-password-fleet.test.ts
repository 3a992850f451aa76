import { createHash, randomBytes } from 'node:crypto';
import { LOGIN_REJECTION_KEY_SUFFIX } from '@apiax-auth/core';
import { startFakeApiax, type FakeApiax } from '@apiax-auth/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisTokenStore } from '../src/index.js';
import { Fleet, type BurstResult, type InstanceReport } from './support/fleet.js';
import { startRedisServer, type RedisServer } from './support/redis-server.js';

// "A wrong password is sent once and never retried, fleet-wide": real processes, each with its own client and
// RedisTokenStore, against one real redis-server and the fake Apiax. Requests are counted by the fake, never timed.

const FLEET_TEST_TIMEOUT_MS = 120_000;
const WAIT = { timeout: 30_000, interval: 100 };
const SIZE = 8;
const CALLS = 25;
/** core's default `loginCooldownMs`. */
const COOLDOWN_S = 300;
/** Well inside the cooldown: real seconds pass between the rejection and the next calls too. */
const LATER_IN_COOLDOWN_S = 240;
/** Canaries: characters that every encoding below writes differently (space, `/`, `+`, `&`, `=`, `?`, non-ASCII). */
const WRONG_PASSWORD = `canary-wrong ${randomBytes(6).toString('hex')}/+&=?ü`;
const RIGHT_PASSWORD = `canary-right ${randomBytes(6).toString('hex')}/+&=?é`;
const INVALID_CREDENTIALS = 'error invalid_credentials';

let redis: RedisServer;
let raw: Redis;
let fake: FakeApiax | undefined;
const fleets: Fleet[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  raw = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  raw.on('error', () => {});
});
afterEach(async () => {
  await Promise.all(fleets.splice(0).map((fleet) => fleet.close()));
  await fake?.close();
  fake = undefined;
  await redis.start().catch(() => {}); // a test may have left it stopped
  await raw.flushall();
});
afterAll(async () => {
  raw.disconnect();
  await redis.stop();
});

async function startFake(): Promise<FakeApiax> {
  fake = await startFakeApiax({ users: [{ username: 'demo', password: RIGHT_PASSWORD }] });
  return fake;
}

async function startFleet(options: {
  fake: FakeApiax;
  encryptionKey: string;
  password: string;
  offsetMs?: number;
  size?: number;
}): Promise<Fleet> {
  const { password, size = SIZE, ...rest } = options;
  const fleet = await Fleet.start({ size, redisUrl: redis.url, env: { APIAX_PASSWORD: password }, ...rest });
  fleets.push(fleet);
  return fleet;
}

/**
 * Every call of the burst ended with `outcome` (on failure, the message shows how the others ended). The error's
 * `cause` is left out: the process that sent the grant gets the server's answer as cause, the others fail fast.
 */
function allEnded(burst: BurstResult, calls: number, outcome: string, label: string): void {
  const byCode: Record<string, number> = {};
  for (const [ending, count] of Object.entries(burst.byOutcome)) {
    const code = ending.replace(/ \(.*\)$/, '');
    byCode[code] = (byCode[code] ?? 0) + count;
  }
  expect(byCode, label).toEqual({ [outcome]: calls });
}

function reports(fleet: Fleet): Promise<InstanceReport[]> {
  return Promise.all(fleet.instances.map((instance) => instance.report()));
}

function passwordGrantsSent(all: InstanceReport[]): number {
  return all.reduce((sum, report) => sum + report.status.grants.password, 0);
}

async function rejectionKey(): Promise<string | undefined> {
  const keys = await raw.keys('apiax-auth:{*}:login-rejection');
  expect(keys.length).toBeLessThanOrEqual(1);
  return keys[0];
}

/** The shapes a password takes on its way into a value: raw, base64(url), hex, URL and form encoding, JSON. */
function encodingsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const uri = encodeURIComponent(secret);
  const shapes = [
    secret,
    bytes.toString('base64'),
    bytes.toString('base64').replace(/=+$/, ''),
    bytes.toString('base64url'),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    uri,
    uri.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
  ];
  // A plain (unsalted) hash would test a guess for free: neither may appear.
  for (const digest of ['sha256', 'sha1', 'md5']) {
    const hash = createHash(digest).update(secret).digest();
    shapes.push(hash.toString('hex'), hash.toString('base64'), hash.toString('base64url'));
  }
  return [...new Set(shapes)];
}

function holdsNoPassword(text: string, label: string): void {
  for (const password of [WRONG_PASSWORD, RIGHT_PASSWORD]) {
    for (const shape of encodingsOf(password)) expect(text.includes(shape), `${label} holds the password as ${shape}`).toBe(false);
  }
}

/** `<obtainedAt>|v1.gcm.<key id>.<iv>.<tag>.<ciphertext>`: what the store writes with an `encryptionKey`. */
const ENCRYPTED_VALUE = /^\d+\|v1\.gcm\.([0-9a-f]{8})\.[\w-]+\.[\w-]+\.[\w-]+$/;

describe('a wrong password in a fleet sharing a RedisTokenStore', () => {
  it(
    'is sent once for the whole fleet, late starters included; the stored rejection is encrypted and holds no password; the fixed password logs in at once',
    async () => {
      const currentFake = await startFake();
      const encryptionKey = randomBytes(32).toString('base64');
      const wrong = await startFleet({ fake: currentFake, encryptionKey, password: WRONG_PASSWORD });

      // 1. Cold start: 8 processes × 25 concurrent calls. One password grant reaches the server; every call fails.
      allEnded(await wrong.burst(CALLS), SIZE * CALLS, INVALID_CREDENTIALS, 'cold start');
      expect(currentFake.stats).toMatchObject({ tokenRequests: 1, password: 1, failedLogins: 1, apiCalls: 0 });

      // The rejection is in Redis, encrypted; readable with the key, and then it holds no password either.
      const redisKey = await rejectionKey();
      expect(redisKey).toBeDefined();
      const stored = (await raw.get(redisKey!)) ?? '';
      const keyId = ENCRYPTED_VALUE.exec(stored)?.[1];
      expect(keyId, 'an encrypted value').toBeDefined();
      expect(stored).not.toMatch(/login-rejection|credential|invalid_credentials|"/);
      holdsNoPassword(stored, 'the raw Redis value');
      const account = redisKey!.slice('apiax-auth:{'.length, -`}${LOGIN_REJECTION_KEY_SUFFIX}`.length);
      const reader = new RedisTokenStore({ url: redis.url, encryptionKey });
      const rejection = await reader.get(account + LOGIN_REJECTION_KEY_SUFFIX);
      const otherKeyReader = new RedisTokenStore({ url: redis.url, encryptionKey: randomBytes(32) });
      const unreadable = await otherKeyReader.get(account + LOGIN_REJECTION_KEY_SUFFIX);
      await otherKeyReader.close();
      expect(rejection).toMatchObject({ kind: 'login-rejection', rejections: 1, code: 'invalid_credentials' });
      expect(unreadable, 'another key cannot read it').toBeNull();
      holdsNoPassword(JSON.stringify(rejection), 'the decrypted rejection');

      // Later, still inside the cooldown (the shared clock moves; nobody sleeps): every process fails fast.
      await wrong.advance(LATER_IN_COOLDOWN_S);
      allEnded(await wrong.burst(CALLS), SIZE * CALLS, INVALID_CREDENTIALS, 'later, in the cooldown');
      // An instance started after the rejection learns it from Redis before it would send the password.
      const late = await wrong.add();
      allEnded(await wrong.burst(CALLS, [late]), CALLS, INVALID_CREDENTIALS, 'late starter');
      expect(currentFake.stats).toMatchObject({ tokenRequests: 1, password: 1, apiCalls: 0 });

      const wrongReports = await reports(wrong);
      expect(passwordGrantsSent(wrongReports)).toBe(1);
      for (const report of wrongReports) {
        expect(report.status).toMatchObject({ health: 'down', store: 'shared', lastError: { code: 'invalid_credentials' } });
      }

      // Past the cooldown: the fleet tries once more, one password for all 9 processes, not one each.
      await wrong.advance(COOLDOWN_S - LATER_IN_COOLDOWN_S + 1);
      allEnded(await wrong.burst(CALLS), (SIZE + 1) * CALLS, INVALID_CREDENTIALS, 'after the cooldown');
      expect(currentFake.stats).toMatchObject({ tokenRequests: 2, password: 2, failedLogins: 2, apiCalls: 0 });
      expect(await reader.get(account + LOGIN_REJECTION_KEY_SUFFIX)).toMatchObject({ rejections: 2 });
      const secondStored = (await raw.get(redisKey!)) ?? '';
      expect(ENCRYPTED_VALUE.exec(secondStored)?.[1]).toBe(keyId);
      holdsNoPassword(secondStored, 'the raw Redis value after the second rejection');
      await reader.close();
      // Nothing the processes logged or report (errors, statuses) holds the password.
      holdsNoPassword(JSON.stringify(await reports(wrong)), 'the logs and statuses');

      // 2. The operator fixes the password and restarts the fleet; the rejection is still in Redis.
      await wrong.close();
      expect(await raw.exists(redisKey!)).toBe(1);
      const fixed = await startFleet({ fake: currentFake, encryptionKey, password: RIGHT_PASSWORD, offsetMs: wrong.offsetMs });
      const [first, ...others] = fixed.instances;
      // The very first call logs in (the rejection is for other credentials), and clears the rejection.
      allEnded(await fixed.burst(1, [first!]), 1, 'ok', 'first call');
      expect(currentFake.stats).toMatchObject({ password: 3, failedLogins: 2 });
      expect(await raw.exists(redisKey!)).toBe(0);
      // The fleet shares that session: no other login.
      allEnded(await fixed.burst(CALLS, others), (SIZE - 1) * CALLS, 'ok', 'the fixed fleet');
      expect(currentFake.stats).toMatchObject({ password: 3, refresh: 0, failedLogins: 2, activeSessions: 1, rejectedApiCalls: 0 });
      const fixedReports = await reports(fixed);
      expect(passwordGrantsSent(fixedReports)).toBe(1);
      expect(new Set(fixedReports.map((report) => report.status.accessTokenExpiresAt)).size).toBe(1);
      holdsNoPassword(JSON.stringify(fixedReports), 'the fixed fleet’s logs and statuses');

      // The token record is encrypted the same way, with the same key.
      const tokenValue = (await raw.get(`apiax-auth:{${account}}:record`)) ?? '';
      expect(ENCRYPTED_VALUE.exec(tokenValue)?.[1]).toBe(keyId);
    },
    FLEET_TEST_TIMEOUT_MS,
  );

  it(
    'Redis down after the rejection: the instances run degraded and still never send the wrong password they remember',
    async () => {
      const currentFake = await startFake();
      const wrong = await startFleet({ fake: currentFake, encryptionKey: randomBytes(32).toString('base64'), password: WRONG_PASSWORD });
      allEnded(await wrong.burst(CALLS), SIZE * CALLS, INVALID_CREDENTIALS, 'cold start');
      expect(currentFake.stats).toMatchObject({ tokenRequests: 1, password: 1, failedLogins: 1 });

      // Redis goes away between the rejection and the next calls: no rejection to read, no lock to take.
      await redis.stop();
      allEnded(await wrong.burst(CALLS), SIZE * CALLS, INVALID_CREDENTIALS, 'Redis down');
      expect(currentFake.stats).toMatchObject({ tokenRequests: 1, password: 1, apiCalls: 0 });
      for (const report of await reports(wrong)) {
        // As core documents a failing store: one warning, the store reported degraded; the calls fail for
        // the credentials, never because of Redis.
        expect(report.status).toMatchObject({ health: 'down', store: 'degraded', lastError: { code: 'invalid_credentials' } });
        expect(report.clientLog.filter((entry) => /token store failed/.test(entry.message))).toHaveLength(1);
      }

      // Redis is back, empty (no persistence): each instance still remembers its cooldown.
      await redis.start();
      await everyInstanceReconnected();
      allEnded(await wrong.burst(CALLS), SIZE * CALLS, INVALID_CREDENTIALS, 'Redis back');
      expect(currentFake.stats).toMatchObject({ tokenRequests: 1, password: 1, apiCalls: 0 });
      for (const report of await reports(wrong)) {
        expect(report.status).toMatchObject({ health: 'down', store: 'shared' });
        expect(report.clientLog.filter((entry) => /token store recovered/.test(entry.message))).toHaveLength(1);
      }
    },
    FLEET_TEST_TIMEOUT_MS,
  );

  // A CORE GAP, failing as of this commit. After Redis comes back empty, the instances fail fast from their own
  // memory but never put the rejection back: LoginCooldown.check() answers from the local cooldown without
  // looking at the store, LoginCooldown writes a rejection only right after a rejected grant, and GuardedStore
  // writes back only the token record when a failing store recovers (these instances did not even see it fail).
  // So an instance started afterwards sends the wrong password again within the same cooldown step.
  it(
    'Redis restarted empty after the rejection: the instances that remember it share it again, so a late starter sends nothing',
    async () => {
      const currentFake = await startFake();
      // A small fleet shows it: the gap is per instance, not a race.
      const size = 3;
      const wrong = await startFleet({
        fake: currentFake,
        encryptionKey: randomBytes(32).toString('base64'),
        password: WRONG_PASSWORD,
        size,
      });
      allEnded(await wrong.burst(CALLS), size * CALLS, INVALID_CREDENTIALS, 'cold start');
      expect(currentFake.stats).toMatchObject({ tokenRequests: 1, password: 1, failedLogins: 1 });

      await redis.restart(); // no persistence: the rejection is gone from Redis
      await everyInstanceReconnected(size);
      // The fleet keeps calling: every instance goes through the store (lock, read) and fails fast.
      allEnded(await wrong.burst(CALLS), size * CALLS, INVALID_CREDENTIALS, 'Redis back, empty');
      expect(currentFake.stats).toMatchObject({ tokenRequests: 1, password: 1 });

      const late = await wrong.add();
      allEnded(await wrong.burst(CALLS, [late]), CALLS, INVALID_CREDENTIALS, 'late starter');
      expect(currentFake.stats, 'the late starter sent the wrong password again').toMatchObject({
        tokenRequests: 1,
        password: 1,
        failedLogins: 1,
      });
    },
    FLEET_TEST_TIMEOUT_MS,
  );
});

/** Each instance holds two connections (commands, lock notifications): waits until all are back after a restart. */
async function everyInstanceReconnected(size = SIZE): Promise<void> {
  await vi.waitFor(async () => expect(await connectedClients()).toBeGreaterThanOrEqual(2 * size), WAIT);
}

async function connectedClients(): Promise<number> {
  const list = await raw.client('LIST');
  return String(list).trim().split('\n').length - 1; // minus this test's own connection
}
