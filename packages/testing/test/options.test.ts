import { describe, expect, it } from 'vitest';
import { createTestClock, startFakeApiax, type FakeApiaxOptions } from '../src/index.js';
import { login, startFake } from './support/helpers.js';

describe('createTestClock', () => {
  it('starts where told, moves only when advanced or set', () => {
    const clock = createTestClock(1_000_000);
    const { now } = clock; // usable as a bare function
    expect(now()).toBe(1_000_000);
    clock.advance(1.5);
    expect(now()).toBe(1_001_500);
    clock.set(5);
    expect(now()).toBe(5);
    expect(() => clock.advance(Number.NaN)).toThrow(/seconds/);
  });

  it('defaults to the real time', () => {
    const before = Date.now();
    const clock = createTestClock();
    expect(clock.now()).toBeGreaterThanOrEqual(before);
    expect(clock.now()).toBeLessThanOrEqual(Date.now());
  });

  it('drives the fake, and fake.advance() adds on top of it', async () => {
    const clock = createTestClock(Date.UTC(2030, 0, 1));
    const fake = await startFake({ now: clock.now });
    expect(fake.now()).toBe(Date.UTC(2030, 0, 1));
    clock.advance(10);
    fake.advance(5);
    expect(fake.now()).toBe(Date.UTC(2030, 0, 1) + 15_000);
    await login(fake);
    expect(fake.requests[0]!.at).toBe(fake.now());
  });
});

describe('startFakeApiax options', () => {
  it.each<[string, FakeApiaxOptions, RegExp]>([
    ['empty users', { users: [] }, /^users/],
    ['a user without username', { users: [{ username: '', password: 'x' }] }, /users\[0\]\.username/],
    ['a user without password', { users: [{ username: 'a' } as never] }, /users\[0\]\.password/],
    [
      'duplicated users',
      {
        users: [
          { username: 'a', password: 'x' },
          { username: 'a', password: 'y' },
        ],
      },
      /users\[1\]\.username/,
    ],
    ['a zero token lifetime', { accessTokenLifetimeSeconds: 0 }, /accessTokenLifetimeSeconds/],
    ['a fractional session max', { ssoSessionMaxSeconds: 1.5 }, /ssoSessionMaxSeconds/],
    ['a negative idle', { ssoSessionIdleSeconds: -1 }, /ssoSessionIdleSeconds/],
    ['maxFailures 0', { bruteForce: { maxFailures: 0 } }, /bruteForce\.maxFailures/],
    ['an empty API key', { apiKeys: [''] }, /apiKeys/],
    ['a negative latency', { tokenLatencyMs: -5 }, /tokenLatencyMs/],
    ['a port out of range', { authPort: 70_000 }, /authPort/],
    ['an empty clientId', { clientId: '' }, /clientId/],
    ['a non-function now', { now: 5 as never }, /now/],
  ])('refuses %s, naming the option', async (_name, options, message) => {
    await expect(startFakeApiax(options)).rejects.toThrow(message);
  });

  it('exposes live stats: a kept reference sees later requests; a spread is a snapshot', async () => {
    const fake = await startFake();
    const { stats } = fake;
    const before = { ...fake.stats };
    await login(fake);
    expect(stats).toMatchObject({ tokenRequests: 1, password: 1, activeSessions: 1 });
    expect(before).toMatchObject({ tokenRequests: 0, password: 0, activeSessions: 0 });
    expect(JSON.parse(JSON.stringify(stats))).toMatchObject({ password: 1, activeSessions: 1 });
    fake.resetStats();
    expect(stats.password).toBe(0);
    expect(stats.activeSessions).toBe(1);
  });

  it('accepts another 1FA client id, refusing the default one', async () => {
    const fake = await startFake({ clientId: 'custom-client' });
    expect((await login(fake, { client_id: 'custom-client' })).status).toBe(200);
    expect((await login(fake, { client_id: 'integration-api' })).body.error).toBe('unauthorized_client');
  });

  it('refuses a port in use, without leaking the other server', async () => {
    const first = await startFake();
    const port = Number(new URL(first.apiBaseUrl).port);
    await expect(startFakeApiax({ apiPort: port })).rejects.toThrow(/EADDRINUSE/);
  });

  it('closes idempotently and frees its ports', async () => {
    const fake = await startFakeApiax();
    await Promise.all([fake.close(), fake.close()]);
    await fake.close();
    await expect(fetch(fake.tokenEndpoint, { method: 'POST' })).rejects.toThrow();
    await expect(fetch(`${fake.apiBaseUrl}/api/v3/rules/eval`, { method: 'POST' })).rejects.toThrow();
  });

  it('closes while a delayed answer is pending', async () => {
    const fake = await startFakeApiax({ tokenLatencyMs: 10_000 });
    const pending = login(fake).catch((cause: unknown) => cause);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await fake.close();
    expect(await pending).toBeInstanceOf(TypeError);
  });
});
