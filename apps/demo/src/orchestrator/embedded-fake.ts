import { randomBytes } from 'node:crypto';
import { startFakeApiax, type FakeApiax } from '@apiax-auth/testing';
import { FAKE_API_KEY, FAKE_LIFETIMES, type Environment } from '../shared/demo-settings.js';
import { FLEET_USERNAME } from '../shared/fleet-settings.js';

/** The fake Apiax of a demo run, and the password of the fleet's account on it. */
export interface EmbeddedFake {
  fake: FakeApiax;
  /** For the fleet instances only (the three adapter apps log in as `demo`, through `fake.env`). */
  fleetPassword: string;
}

/**
 * Starts the fake Apiax with demo lifetimes and two accounts: `demo` for the three adapter apps, and
 * `fleet` for the fleet, so the card can count the fleet's grants apart. The passwords are random: nobody
 * types them (the apps get them through `APIAX_PASSWORD`); `DEMO_FAKE_PASSWORD` pins them so tests can
 * look for them as canaries (the fleet's is that value with a suffix, so the canary covers it too).
 */
export async function startEmbeddedFake(env: Environment): Promise<EmbeddedFake> {
  const demoPassword = env.DEMO_FAKE_PASSWORD || randomBytes(18).toString('base64url');
  const fleetPassword = `${demoPassword}-${FLEET_USERNAME}`;
  const fake = await startFakeApiax({
    // `demo` first: fake.env names the first user.
    users: [
      { username: 'demo', password: demoPassword },
      { username: FLEET_USERNAME, password: fleetPassword },
    ],
    accessTokenLifetimeSeconds: FAKE_LIFETIMES.accessTokenSeconds,
    ssoSessionMaxSeconds: FAKE_LIFETIMES.sessionMaxSeconds,
    ssoSessionIdleSeconds: FAKE_LIFETIMES.sessionMaxSeconds,
    apiKeys: [FAKE_API_KEY],
    host: '127.0.0.1',
  });
  return { fake, fleetPassword };
}

/** The admin endpoints (`/__fake/*`) live on the auth server's origin. */
export function fakeAdminUrl(fake: Pick<FakeApiax, 'issuer'>): string {
  return new URL(fake.issuer).origin;
}
