import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLEET_SIZE, FLEET_USERNAME } from '../src/shared/fleet-settings.js';
import { JWT_PATTERN, launchChromium, recordBodies } from './support/browser.js';
import { startDemo, type RunningDemo } from './support/demo-process.js';
import { RESULTS_DIR } from './support/paths.js';
import { burst, fakeGrantsOf, readFleetRows } from './support/fleet-page.js';
import { descendantsOf } from './support/process-tree.js';

// The fake's passwords for this run (the fleet's has a suffix): neither may reach the browser.
const PASSWORD_CANARY = 'canary-fleet-password-3e8a61';
const POLL = { timeout: 30_000, interval: 250 };

/** The command name of a live process (`/proc/<pid>/comm`). */
function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

describe('the fleet card, with redis-server on the machine', () => {
  let demo: RunningDemo;
  let browser: Browser;
  let page: Page;
  let received: () => Promise<string[]>;

  beforeAll(async () => {
    demo = await startDemo({ DEMO_FAKE_PASSWORD: PASSWORD_CANARY });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1400 } });
    page.setDefaultTimeout(60_000);
    received = recordBodies(page);
    await page.goto(demo.manifest.dashboardUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  const text = (testId: string) => async () => ((await page.getByTestId(testId).textContent()) ?? '').trim();

  it('starts a private redis-server and four instances, each its own process, none logged in yet', async () => {
    expect(demo.manifest.fleetUrls).toHaveLength(FLEET_SIZE);
    expect(demo.manifest.redisUrl).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(demo.output()).toContain(`a fleet: ${FLEET_SIZE} instances`);
    const commands = descendantsOf(demo.child.pid ?? -1).map(commandOf);
    expect(commands.filter((command) => command === 'redis-server')).toHaveLength(1);

    const rows = await readFleetRows(page);
    expect(rows.map((row) => row.instance)).toEqual([1, 2, 3, 4]);
    expect(new Set(rows.map((row) => row.pid)).size).toBe(FLEET_SIZE);
    for (const row of rows) {
      expect(demo.manifest.appPids).toContain(Number(row.pid));
      expect(row.state).toBe('signed out');
      expect(row.fingerprint).toBe('—');
    }
    expect(await text('fleet-account-logins')()).toBe('0');
  });

  it('a burst across the instances costs the fleet one login: one instance logs in, the others adopt its token', async () => {
    expect(await burst(page)).toMatch(/^40 of 40 calls answered 200 across 4 instances/);
    await expect.poll(text('fleet-account-logins'), POLL).toBe('1');
    await expect.poll(text('fleet-shared'), POLL).toMatch(/^one token: [0-9a-f]{8}$/);
    const rows = await readFleetRows(page);
    expect(rows.reduce((sum, row) => sum + row.logins, 0)).toBe(1);
    expect(rows.filter((row) => row.adopted >= 1)).toHaveLength(FLEET_SIZE - 1);
    expect(new Set(rows.map((row) => row.fingerprint)).size).toBe(1);
    // Counted at the source too: the fake's own log for the fleet's account.
    expect(await fakeGrantsOf(demo.manifest.fakeAdminUrl ?? '', FLEET_USERNAME)).toEqual({ password: 1, refresh: 0 });
    await expect.poll(text('fleet-account-apiCalls'), POLL).toBe('40');
    // Its own account: the three adapter apps are still signed out, so the fake's one login is the fleet's.
    expect(await text('fake-password')()).toBe('1');
    for (const adapter of ['express', 'nest', 'next']) expect(await text(`${adapter}-logins`)()).toBe('0');
  });

  it('after a clock jump past expiry, the fleet refreshes once and every instance holds the new token', async () => {
    const before = (await readFleetRows(page))[0]?.fingerprint;
    await page.getByTestId('control-advance-1m').click();
    await expect.poll(text('control-outcome'), POLL).toMatch(/forward for the fake and all three clients and the fleet/);
    await expect.poll(text('fleet-account-refreshes'), POLL).toBe('1');
    // Every instance renews in the background once its clock moved: one refreshed, the others adopted.
    await expect
      .poll(async () => (await readFleetRows(page)).map((row) => row.fingerprint), POLL)
      .toEqual(Array.from({ length: FLEET_SIZE }, () => expect.not.stringMatching(new RegExp(`^(${before}|—)$`))));
    await expect.poll(text('fleet-shared'), POLL).toMatch(/^one token: /);
    const rows = await readFleetRows(page);
    expect(rows.reduce((sum, row) => sum + row.refreshes, 0)).toBe(1);
    expect(await burst(page)).toMatch(/^40 of 40/);
    expect(await fakeGrantsOf(demo.manifest.fakeAdminUrl ?? '', FLEET_USERNAME)).toEqual({ password: 1, refresh: 1 });
    expect(await text('fleet-account-logins')()).toBe('1');
  });

  it('looks the part: saves a screenshot of the fleet card', async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const screenshot = join(RESULTS_DIR, 'fleet-card.png');
    await page.getByTestId('fleet-card').screenshot({ path: screenshot });
    expect(statSync(screenshot).size).toBeGreaterThan(20_000);
  });

  it('never sent a token or a password to the browser', async () => {
    const bodies = await received();
    expect(bodies.some((body) => body.includes('tokenFingerprint'))).toBe(true);
    for (const body of bodies) {
      expect(body).not.toContain(PASSWORD_CANARY);
      expect(body).not.toMatch(JWT_PATTERN);
    }
  });
});
