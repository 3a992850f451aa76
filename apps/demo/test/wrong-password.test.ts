import { startFakeApiax, type FakeApiax } from '@apiax-auth/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.js';
import { callThrough } from './support/dashboard-page.js';
import { startDemo, type RunningDemo } from './support/demo-process.js';

const POLL = { timeout: 30_000, interval: 250 };
const WRONG_PASSWORD = 'wrong-password-canary-e3f1';

// Keycloak counts every failed login and locks the account at a threshold: a client that retries a
// wrong password locks its own user out. Each adapter must send it exactly once.
describe('the demo with a wrong password', () => {
  let apiax: FakeApiax;
  let demo: RunningDemo;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    apiax = await startFakeApiax({ users: [{ username: 'acme-integration', password: 'the-right-one' }], bruteForce: { maxFailures: 5 } });
    demo = await startDemo({ ...apiax.env, APIAX_PASSWORD: WRONG_PASSWORD });
    browser = await launchChromium();
    page = await browser.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(demo.manifest.dashboardUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    await apiax?.close();
  });

  it('fails each adapter once, typed, and never locks the account', async () => {
    for (const [adapter, call] of [
      ['next', 'next-call'],
      ['express', 'express-call'],
      ['nest', 'nest-call'],
    ] as const) {
      expect(await callThrough(page, call)).toMatch(/invalid_credentials/);
      await expect.poll(() => page.getByTestId(`${adapter}-state`).textContent(), POLL).toBe('failed');
      await expect.poll(() => page.getByTestId(`${adapter}-last-error`).textContent(), POLL).toMatch(/invalid_credentials/);
    }
    expect(apiax.stats.failedLogins).toBe(3);
    // Asked again, the clients fail fast instead of sending the password again.
    expect(await callThrough(page, 'next-call')).toMatch(/invalid_credentials/);
    expect(await callThrough(page, 'express-call')).toMatch(/invalid_credentials/);
    expect(apiax.stats.failedLogins).toBe(3);
    expect(apiax.isLocked('acme-integration')).toBe(false);
    expect(await page.content()).not.toContain(WRONG_PASSWORD);
  });
});
