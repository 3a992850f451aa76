import { randomBytes } from 'node:crypto';
import { startFakeApiax, type FakeApiax } from '@apiax-auth/testing';
import { FAKE_API_KEY, FAKE_LIFETIMES, type Environment } from '../shared/demo-settings.js';

/**
 * Starts the fake Apiax with demo lifetimes. The password is random: nobody types it (the apps get
 * it through `APIAX_PASSWORD`); `DEMO_FAKE_PASSWORD` pins it so tests can look for it as a canary.
 */
export function startEmbeddedFake(env: Environment): Promise<FakeApiax> {
  return startFakeApiax({
    users: [{ username: 'demo', password: env.DEMO_FAKE_PASSWORD || randomBytes(18).toString('base64url') }],
    accessTokenLifetimeSeconds: FAKE_LIFETIMES.accessTokenSeconds,
    ssoSessionMaxSeconds: FAKE_LIFETIMES.sessionMaxSeconds,
    ssoSessionIdleSeconds: FAKE_LIFETIMES.sessionMaxSeconds,
    apiKeys: [FAKE_API_KEY],
    host: '127.0.0.1',
  });
}

/** The admin endpoints (`/__fake/*`) live on the auth server's origin. */
export function fakeAdminUrl(fake: Pick<FakeApiax, 'issuer'>): string {
  return new URL(fake.issuer).origin;
}
