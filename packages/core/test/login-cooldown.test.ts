import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, parseStoredRecord, type ApiaxAuth, type LoginRejectionRecord } from '../src/index.js';
import { startHarness } from './support/harness.js';

const WRONG = 'CANARY-old-pw!@# &+/x';

/** Every encoding of a secret that could be searched for in what a store holds. */
function encodings(secret: string): string[] {
  const hashes = ['sha256', 'sha1', 'md5'].flatMap((algorithm) => {
    const digest = createHash(algorithm).update(secret).digest();
    return [digest.toString('hex'), digest.toString('base64'), digest.toString('base64url')];
  });
  const bytes = Buffer.from(secret);
  return [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ p: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    bytes.toString('base64'),
    bytes.toString('base64url'),
    ...hashes,
  ];
}

async function settle(calls: Array<Promise<unknown>>): Promise<void> {
  await Promise.allSettled(calls);
}

describe('the login cooldown is shared through the store: a fleet never locks the account', () => {
  it('10 clients sharing a store send one wrong password per cooldown step, 3 in all over a day, and never lock the account', async () => {
    const { fake, clock, client } = await startHarness({ bruteForce: { maxFailures: 5 }, tokenLatencyMs: 10 });
    const store = new MemoryTokenStore();
    const fleet: ApiaxAuth[] = Array.from({ length: 10 }, () => client({ password: WRONG, store }));
    const failedAt: number[] = [];
    let seen = 0;
    // A day of steady traffic: every client calls every 30 s.
    for (let second = 0; second <= 24 * 3600; second += 30) {
      await settle(fleet.flatMap((auth) => [auth.getAccessToken(), auth.getAccessToken()]));
      while (seen < fake.stats.failedLogins) {
        failedAt.push(second);
        seen += 1;
      }
      clock.advance(30);
    }
    expect(fake.stats.failedLogins).toBe(3);
    expect(fake.stats.password).toBe(3);
    // One per cooldown step: at once, after 5 min, after 10 more; then never again.
    expect(failedAt).toEqual([0, 300, 900]);
    expect(fake.isLocked('demo')).toBe(false);
    for (const auth of fleet) expect(auth.status()).toMatchObject({ state: 'failed', lastError: { code: 'invalid_credentials' } });
  });

  it('an instance started with corrected credentials is not blocked by the fleet record of the old password', async () => {
    const { fake, client } = await startHarness({ bruteForce: { maxFailures: 5 } });
    const store = new MemoryTokenStore();
    const old = client({ password: WRONG, store });
    await expect(old.getAccessToken()).rejects.toMatchObject({ code: 'invalid_credentials' });
    const other = client({ password: WRONG, store });
    await expect(other.getAccessToken()).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(fake.stats.failedLogins).toBe(1);

    const corrected = client({ store });
    expect(await corrected.getAccessToken()).toMatch(/^eyJ/);
    expect(fake.stats).toMatchObject({ password: 2, failedLogins: 1 });
    // The good login clears the fleet's record: the next instance of the fleet adopts the token.
    expect(await other.getAccessToken()).toBe(await corrected.getAccessToken());
  });

  it('a store that lost the rejection gets it back from an instance that remembers it: a late starter sends nothing', async () => {
    const { fake, clock, client } = await startHarness({ bruteForce: { maxFailures: 5 } });
    const key = `apiax-auth:v1:${fake.issuer}#integration-api#demo:login-rejection`;
    const store = new MemoryTokenStore();
    const first = client({ password: WRONG, store });
    await expect(first.getAccessToken()).rejects.toMatchObject({ code: 'invalid_credentials' });
    const written = await store.get(key);
    expect(parseStoredRecord(written)).toMatchObject({ kind: 'login-rejection', rejections: 1 });

    await store.delete(key); // Redis restarted without persistence, or evicted the key
    clock.advance(60);
    await expect(first.getAccessToken()).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(await store.get(key)).toEqual(written);

    const late = client({ password: WRONG, store });
    await expect(late.getAccessToken()).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(fake.stats).toMatchObject({ password: 1, failedLogins: 1 });
    // The shared record is the very one first wrote: same salt and tag, same cooldown end.
    const lateError = late.status().lastError;
    expect(lateError?.message).toMatch(/Failing fast for 240 s more/);
  });

  it('stores nothing that recovers or tests the password cheaply: a salted scrypt tag, never a plain hash', async () => {
    const { fake, client } = await startHarness();
    const key = `apiax-auth:v1:${fake.issuer}#integration-api#demo:login-rejection`;
    const records: LoginRejectionRecord[] = [];
    for (let fleetNumber = 0; fleetNumber < 2; fleetNumber += 1) {
      const store = new MemoryTokenStore();
      const auth = client({ password: WRONG, store });
      await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_credentials' });
      const record = parseStoredRecord(await store.get(key));
      expect(record).toMatchObject({ kind: 'login-rejection', rejections: 1, code: 'invalid_credentials' });
      records.push(record as LoginRejectionRecord);
      const json = JSON.stringify(record);
      for (const encoded of [...encodings(WRONG), ...encodings(`demo${WRONG}`), ...encodings(`demo:${WRONG}`)])
        expect(json).not.toContain(encoded);
    }
    // A fresh salt per fleet: the same password does not give the same tag twice.
    expect(records[0]!.credentialSalt).not.toBe(records[1]!.credentialSalt);
    expect(records[0]!.credentialTag).not.toBe(records[1]!.credentialTag);
  });
});

describe('a login accepted with an unusable answer', () => {
  it('is sent at most twice, then cools down like a rejection: 10 calls open 2 Keycloak sessions, not 50', async () => {
    const { fake, clock, client } = await startHarness();
    // The server accepts the password (a session opens) but what reaches the client is unusable.
    const unusable: typeof globalThis.fetch = async (input, init) => {
      const response = await globalThis.fetch(input, init);
      if (new Request(input, init).url !== fake.tokenEndpoint) return response;
      await response.arrayBuffer();
      return new Response(JSON.stringify({ token_type: 'bearer' }), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const auth = client({ fetch: unusable, maxRetries: 4 });
    for (let call = 0; call < 10; call += 1) await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_response' });
    expect(fake.stats.password).toBe(2);
    // It cools down: the next try after loginCooldownMs, one at a time.
    clock.advance(5 * 60 + 1);
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_response' });
    expect(fake.stats.password).toBe(3);
  });
});
