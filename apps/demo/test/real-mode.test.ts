import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeApiax, type FakeApiax } from '@apiax-auth/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.js';
import { callThrough } from './support/dashboard-page.js';
import { startDemo, type RunningDemo } from './support/demo-process.js';
import { RESULTS_DIR } from './support/paths.js';

const POLL = { timeout: 30_000, interval: 250 };

// "The real Apiax" here is a fake this test owns, reached only through the APIAX_* variables a user
// would set: the demo must start no fake of its own and send every grant and call there.
describe('the demo with APIAX_USERNAME, APIAX_PASSWORD (and a 2FA key) set', () => {
  let apiax: FakeApiax;
  let demo: RunningDemo;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // A 2FA account: every grant also carries a client assertion signed with the customer's key.
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    apiax = await startFakeApiax({
      users: [{ username: 'acme-integration', password: 'real-mode-canary-4b9e', assertion: { publicKey, subject: 'AcmeCorp' } }],
      apiKeys: ['acme-key'],
    });
    demo = await startDemo({
      ...apiax.env,
      APIAX_ASSERTION_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      APIAX_ASSERTION_SUBJECT: 'AcmeCorp',
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.setDefaultTimeout(60_000);
    await page.goto(demo.manifest.dashboardUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    await apiax?.close();
  });

  it('talks to the configured Apiax, starts no fake, and hides the resilience controls', async () => {
    expect(demo.manifest.mode).toBe('real');
    expect(demo.manifest.fakeAdminUrl).toBeNull();
    expect(demo.output()).toContain('against the real Apiax as acme-integration');
    expect(await page.getByTestId('mode').textContent()).toBe('Real Apiax');
    expect(await page.getByText(new URL(apiax.apiBaseUrl).origin).count()).toBe(1);
    expect(await page.getByTestId('resilience').count()).toBe(0);
    // The fleet has an account on the embedded fake only: none is started here.
    expect(demo.manifest.fleetUrls).toEqual([]);
    expect(await page.getByTestId('fleet-card').getAttribute('data-absence')).toBe('real-apiax');
    // The apps do not even offer to move their clocks.
    const advance = await fetch(`${demo.manifest.expressUrl}/__demo/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seconds: 60 }),
    });
    expect(advance.status).toBe(404);
    expect(apiax.stats.password).toBe(0);
  });

  it('logs each adapter in once against it (2FA), and calls its rule engine', async () => {
    for (const [adapter, call] of [
      ['next', 'next-call'],
      ['express', 'express-call'],
      ['nest', 'nest-call'],
    ] as const) {
      expect(await callThrough(page, call)).toMatch(/^200/);
      await expect.poll(() => page.getByTestId(`${adapter}-logins`).textContent(), POLL).toBe('1');
    }
    expect(apiax.stats.password).toBe(3);
    expect(apiax.stats.apiCalls).toBeGreaterThanOrEqual(3);
    // The session bar is a share of the realm's 14 days.
    expect(await page.getByTestId('next-session').textContent()).toMatch(/^1[34]d \d+h left · 100%$/);
    mkdirSync(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: join(RESULTS_DIR, 'dashboard-real-apiax.png'), fullPage: true });
  });

  it('serves a route handler wrapped with withApiax', async () => {
    const response = await fetch(`${demo.manifest.dashboardUrl}/api/rules/inspect`, { method: 'POST' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Array.isArray(body.ruleSets)).toBe(true);
  });

  it('logs out of its sessions when stopped', async () => {
    expect(await demo.stop()).toBe(0);
    // Express and Nest end their Keycloak sessions on shutdown.
    expect(apiax.stats.logouts).toBeGreaterThanOrEqual(2);
  });
});
