import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_PATTERN, launchChromium, recordBodies } from './support/browser.js';
import { callThrough } from './support/dashboard-page.js';
import { startDemo, type RunningDemo } from './support/demo-process.js';
import { RESULTS_DIR } from './support/paths.js';

// The fake's password for this run: it must never reach the browser, in any response.
const PASSWORD_CANARY = 'canary-demo-password-7d1f0c';

const POLL = { timeout: 30_000, interval: 250 };

describe('the dashboard, on the embedded fake', () => {
  let demo: RunningDemo;
  let browser: Browser;
  let page: Page;
  let received: () => Promise<string[]>;

  beforeAll(async () => {
    // As on a machine without redis-server (the fleet has a test of its own, fleet-card.test.ts): the
    // path the orchestrator is told to use does not exist.
    demo = await startDemo({ DEMO_FAKE_PASSWORD: PASSWORD_CANARY, DEMO_REDIS_SERVER: '/nonexistent/redis-server' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.setDefaultTimeout(60_000);
    received = recordBodies(page); // every byte the browser receives, to look for secrets at the end
    await page.goto(demo.manifest.dashboardUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  const text = (testId: string) => () => page.getByTestId(testId).textContent();
  const timelineKinds = (source: string) => () =>
    page
      .locator(`[data-testid="timeline-event"][data-source="${source}"]`)
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-kind')));

  it('starts with three lazy clients: nobody logged in before the first call', async () => {
    expect(await page.getByTestId('mode').textContent()).toBe('Embedded fake Apiax');
    expect(demo.manifest.mode).toBe('fake');
    for (const adapter of ['express', 'nest', 'next']) {
      expect(await page.getByTestId(`${adapter}-state`).textContent()).toBe('signed out');
      expect(await page.getByTestId(`${adapter}-logins`).textContent()).toBe('0');
      expect(await page.getByTestId(`${adapter}-countdown`).textContent()).toBe('—');
    }
    expect(await page.getByTestId('resilience').isVisible()).toBe(true);
    // The printed URL is the one the manifest names, and it is the only URL printed.
    expect(demo.output().match(/https?:\/\/\S+/g)).toEqual([demo.manifest.dashboardUrl]);
  });

  it('without redis-server, starts no fleet and its card says how to get one', async () => {
    expect(demo.manifest.fleetUrls).toEqual([]);
    expect(demo.manifest.redisUrl).toBeNull();
    expect(demo.manifest.fleetAbsence).toBe('no-redis-server');
    expect(demo.output()).toContain('No redis-server found, so no fleet: `apt-get install redis-server` or `brew install redis`');
    expect(await page.getByTestId('fleet-card').getAttribute('data-absence')).toBe('no-redis-server');
    const hint = await text('fleet-hint')();
    expect(hint).toContain('apt-get install redis-server');
    expect(hint).toContain('brew install redis');
    expect(hint).toContain('then run pnpm demo again');
    expect(await page.getByTestId('fleet-instance').count()).toBe(0);
  });

  it('calls the rule engine through each adapter, and counts each one login', async () => {
    const buttons = [
      ['next', 'next-call'],
      ['express', 'express-call'],
      ['nest', 'nest-call'],
    ] as const;
    for (const [adapter, call] of buttons) {
      expect(await callThrough(page, call)).toMatch(/^200\d+ ms\d+ actions?: /);
      await expect.poll(text(`${adapter}-logins`), POLL).toBe('1');
      await expect.poll(text(`${adapter}-state`), POLL).toBe('valid');
      await expect.poll(text(`${adapter}-countdown`), POLL).toMatch(/^[01]:\d\d$/);
      await expect.poll(text(`${adapter}-session`), POLL).toMatch(/left · (9\d|100)%$/);
      expect(await timelineKinds(adapter)()).toContain('login');
    }
    await expect.poll(text('fake-password'), POLL).toBe('3');
    await expect.poll(async () => Number(await text('fake-apiCalls')()), POLL).toBeGreaterThanOrEqual(3);
  });

  it('fast-forwards the fake and every client: the expired tokens are refreshed, the session bars drop', async () => {
    await page.getByTestId('control-advance-1m').click();
    await expect.poll(text('control-outcome'), POLL).toMatch(/Time moved 1m 00s forward/);
    await expect.poll(text('clock-offset'), POLL).toBe('clock +1m 00s');
    for (const adapter of ['express', 'nest', 'next']) {
      await expect.poll(async () => Number(await text(`${adapter}-refreshes`)()), POLL).toBeGreaterThanOrEqual(1);
      await expect.poll(timelineKinds(adapter), POLL).toContain('refresh');
      // Refreshing does not extend the session: 1 of its 10 minutes is gone for good.
      await expect.poll(text(`${adapter}-session`), POLL).toMatch(/left · [89]\d%$/);
      expect(await text(`${adapter}-logins`)()).toBe('1');
    }
  });

  it('rides through a failing token endpoint: grants are retried, calls keep working', async () => {
    const refreshesBefore = Number(await text('next-refreshes')());
    await page.getByTestId('control-fail-token').click();
    await expect.poll(text('control-outcome'), POLL).toMatch(/next 3 token requests/);
    await page.getByTestId('control-advance-1m').click();
    await expect.poll(text('clock-offset'), POLL).toBe('clock +2m 00s');
    const allKinds = () =>
      page.locator('[data-testid="timeline-event"]').evaluateAll((items) => items.map((item) => item.getAttribute('data-kind')));
    await expect.poll(allKinds, POLL).toContain('retry');
    await expect.poll(async () => Number(await text('next-refreshes')()), POLL).toBeGreaterThan(refreshesBefore);
    expect(await callThrough(page, 'next-call')).toMatch(/^200/);
    for (const adapter of ['express', 'nest', 'next']) {
      await expect.poll(text(`${adapter}-state`), POLL).toBe('valid');
      expect(await text(`${adapter}-logins`)()).toBe('1');
    }
  });

  it('ends the sessions: the next call logs in again and still succeeds', async () => {
    await page.getByTestId('control-end-sessions').click();
    await expect.poll(text('control-outcome'), POLL).toMatch(/Sessions ended/);
    for (const [adapter, call] of [
      ['next', 'next-call'],
      ['express', 'express-call'],
      ['nest', 'nest-call'],
    ] as const) {
      expect(await callThrough(page, call)).toMatch(/^200/);
      await expect.poll(text(`${adapter}-logins`), POLL).toBe('2');
      await expect.poll(timelineKinds(adapter), POLL).toContain('relogin');
    }
    // A fresh session: the bars are full again.
    await expect.poll(text('next-session'), POLL).toMatch(/left · (9\d|100)%$/);
  });

  it('looks the part: saves a screenshot of the live dashboard', async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const screenshot = join(RESULTS_DIR, 'dashboard.png');
    // A few seconds on, so the countdowns are mid-flight rather than just reset.
    await page.waitForTimeout(6_000);
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).toBeGreaterThan(50_000);
  });

  it('outlives the session max: refreshes cannot extend it, the clients log in again by themselves', async () => {
    await page.getByTestId('control-advance-5m').click();
    await expect.poll(text('clock-offset'), POLL).toBe('clock +7m 00s');
    // Half of the 10-minute session is gone, and refreshing (the tokens expired) does not give it back.
    for (const adapter of ['express', 'nest', 'next']) {
      await expect.poll(text(`${adapter}-session`), POLL).toMatch(/left · (4\d|50)%$/);
      expect(await text(`${adapter}-logins`)()).toBe('2');
    }
    await page.getByTestId('control-advance-5m').click();
    await expect.poll(text('clock-offset'), POLL).toBe('clock +12m 00s');
    for (const adapter of ['express', 'nest', 'next']) {
      await expect.poll(text(`${adapter}-logins`), POLL).toBe('3');
      await expect.poll(text(`${adapter}-session`), POLL).toMatch(/left · (9\d|100)%$/);
      await expect.poll(text(`${adapter}-state`), POLL).toBe('valid');
    }
    expect(await callThrough(page, 'nest-call')).toMatch(/^200/);
  });

  it('never sent a token or the password to the browser', async () => {
    // What the polling endpoint returns, fetched once more outside the page.
    const dashboard = await (await fetch(`${demo.manifest.dashboardUrl}/api/dashboard`)).text();
    const bodies = await received();
    const everything = [...bodies, dashboard];
    expect(bodies.length).toBeGreaterThan(10);
    expect(dashboard).toContain('"grants"');
    for (const body of everything) {
      expect(body).not.toContain(PASSWORD_CANARY);
      expect(body).not.toMatch(JWT_PATTERN);
    }
  });

  it('stops cleanly on Ctrl-C', async () => {
    expect(await demo.stop()).toBe(0);
  });
});
