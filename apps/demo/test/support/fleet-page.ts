import type { Page } from 'playwright-core';
import { eventually } from './demo-process.js';

/** The fleet card's rows, read from the page: what each instance's cells say. */
export interface FleetRow {
  instance: number;
  pid: string;
  state: string;
  fingerprint: string;
  logins: number;
  refreshes: number;
  adopted: number;
}

/** Reads every row of the fleet card's table, in page order. */
export async function readFleetRows(page: Page): Promise<FleetRow[]> {
  const rows = page.getByTestId('fleet-instance');
  const count = await rows.count();
  const read = async (instance: number, cell: string): Promise<string> =>
    ((await page.getByTestId(`fleet-${instance}-${cell}`).textContent()) ?? '').trim();
  const result: FleetRow[] = [];
  for (let index = 0; index < count; index += 1) {
    const instance = Number(await rows.nth(index).getAttribute('data-instance'));
    result.push({
      instance,
      pid: await read(instance, 'pid'),
      state: await read(instance, 'state'),
      // The cell also shows the token's countdown after a `·`.
      fingerprint: (await read(instance, 'fingerprint')).split('·')[0]?.trim() ?? '',
      logins: Number(await read(instance, 'logins')),
      refreshes: Number(await read(instance, 'refreshes')),
      adopted: Number(await read(instance, 'adopted')),
    });
  }
  return result;
}

/** Clicks the burst button and returns the message of the new result (not a stale one). */
export async function burst(page: Page): Promise<string> {
  const result = page.getByTestId('fleet-burst-result');
  const previous = await result.getAttribute('data-at');
  await page.getByTestId('fleet-burst-button').click();
  await eventually(
    'a new burst result',
    async () => {
      const at = await result.getAttribute('data-at');
      return at !== null && at !== previous;
    },
    60_000,
  );
  return (await result.textContent()) ?? '';
}

/** What the fake's own log says about one account: its grants, counted at the source. */
export async function fakeGrantsOf(adminUrl: string, username: string): Promise<{ password: number; refresh: number }> {
  const stats = (await (await fetch(`${adminUrl}/__fake/stats`)).json()) as {
    requests: Array<{ endpoint: string; grantType?: string; username?: string }>;
  };
  const grants = stats.requests.filter((request) => request.endpoint === 'token' && request.username === username);
  return {
    password: grants.filter((request) => request.grantType === 'password').length,
    refresh: grants.filter((request) => request.grantType === 'refresh_token').length,
  };
}
