import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeApiax, type FakeApiax } from '@apiax-auth/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExpressDemo, type ExpressDemo } from '../src/apps/express/create-express-demo.js';
import type { AppSnapshot } from '../src/shared/app-snapshot.js';
import { JWT_PATTERN } from './support/browser.js';
import { eventually } from './support/demo-process.js';

const PASSWORD_CANARY = 'express-demo-canary-5c2a';

// The Express app of the demo, in this process, against the fake over loopback HTTP.
describe('the Express app of the demo', () => {
  let fake: FakeApiax;
  let demo: ExpressDemo;
  let server: Server;
  let baseUrl: string;

  const start = async (mode: 'fake' | 'real'): Promise<void> => {
    demo = createExpressDemo(mode, { ...fake.env });
    server = demo.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const status = async (): Promise<AppSnapshot> => (await fetch(`${baseUrl}/__demo/status`)).json() as Promise<AppSnapshot>;
  const advance = (seconds: unknown): Promise<Response> =>
    fetch(`${baseUrl}/__demo/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seconds }),
    });

  beforeEach(async () => {
    fake = await startFakeApiax({
      users: [{ username: 'demo', password: PASSWORD_CANARY }],
      apiKeys: ['demo-api-key'],
      accessTokenLifetimeSeconds: 60,
      ssoSessionMaxSeconds: 600,
      ssoSessionIdleSeconds: 600,
    });
  });

  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    demo?.log.stop();
    await demo?.auth.close();
    await fake?.close();
  });

  it('is lazy: no login until a route calls the rule engine', async () => {
    await start('fake');
    const snapshot = await status();
    expect(snapshot.adapter).toBe('express');
    expect(snapshot.status.state).toBe('signed-out');
    expect(fake.stats.tokenRequests).toBe(0);
  });

  it('relays the rule engine through req.apiax.fetch, with one login', async () => {
    await start('fake');
    const answer = await fetch(`${baseUrl}/rules/eval`, { method: 'POST' });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toHaveProperty('results');
    const snapshot = await status();
    expect(snapshot.status.grants).toEqual({ password: 1, refresh: 0 });
    expect(snapshot.events.map((event) => event.kind)).toEqual(['login']);
    expect(fake.stats.apiCalls).toBe(1);
  });

  it('moves its clock with the fake: the expired token is refreshed at once, the session is not extended', async () => {
    await start('fake');
    await fetch(`${baseUrl}/rules/eval`, { method: 'POST' });
    const before = await status();
    fake.advance(61);
    const moved = await advance(61);
    expect(await moved.json()).toEqual({ clockOffsetMs: 61_000 });
    await eventually('a refresh after the jump', async () => (await status()).status.grants.refresh === 1);
    const after = await status();
    expect(after.events.at(-1)).toMatchObject({ kind: 'refresh' });
    expect(after.status.grants.password).toBe(1);
    // Still the same session: it ends when it did before the refresh (to the second Keycloak counts in),
    // not 61 s later.
    expect(Math.abs((after.status.refreshTokenExpiresAt ?? 0) - (before.status.refreshTokenExpiresAt ?? 0))).toBeLessThan(2_000);
    expect(after.now - before.now).toBeGreaterThanOrEqual(61_000);
  });

  it('refuses a malformed clock jump, and offers none against the real Apiax', async () => {
    await start('fake');
    expect((await advance(-5)).status).toBe(400);
    expect((await advance('60')).status).toBe(400);
    expect((await status()).clockOffsetMs).toBe(0);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await demo.auth.close();
    await start('real');
    expect((await advance(60)).status).toBe(404);
  });

  it('answers a failed login with problem+json, once, and never shows the password or a token', async () => {
    demo = createExpressDemo('fake', { ...fake.env, APIAX_PASSWORD: 'wrong-password' });
    server = demo.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const answer = await fetch(`${baseUrl}/rules/eval`, { method: 'POST' });
    expect(answer.status).toBe(502);
    expect(answer.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await answer.json()).toMatchObject({ code: 'invalid_credentials' });
    // A wrong password is not retried: Keycloak would lock the account.
    expect(fake.stats.failedLogins).toBe(1);
    const snapshot = JSON.stringify(await status());
    expect(snapshot).toContain('invalid_credentials');
    expect(snapshot).not.toContain('wrong-password');
    expect(snapshot).not.toContain(PASSWORD_CANARY);
    expect(snapshot).not.toMatch(JWT_PATTERN);
  });
});
