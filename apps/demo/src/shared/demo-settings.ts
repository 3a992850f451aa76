import type { ApiaxAuthOptions, ApiaxClock } from '@apiax-auth/core';

/**
 * The environment the orchestrator hands to each app. Apps read nothing else from it besides the
 * `APIAX_*` variables, which core reads itself.
 */
export const DEMO_ENV = {
  /** `fake` (the embedded fake Apiax) or `real`. */
  mode: 'DEMO_MODE',
  /** Session max of the Keycloak realm in seconds: what the refresh-token bar is a share of. */
  sessionMaxSeconds: 'DEMO_SESSION_MAX_SECONDS',
  /** Origin of the fake's admin endpoints (`/__fake/*`); set in fake mode only. */
  fakeAdminUrl: 'DEMO_FAKE_ADMIN_URL',
  expressUrl: 'DEMO_EXPRESS_URL',
  nestUrl: 'DEMO_NEST_URL',
} as const;

export type DemoMode = 'fake' | 'real';

/** Environment variables (`process.env` or a test's own), without Next.js's augmentation of `ProcessEnv`. */
export type Environment = Record<string, string | undefined>;

/** Demo lifetimes: short enough that a refresh shows within a minute and the session bar visibly moves. */
export const FAKE_LIFETIMES = {
  accessTokenSeconds: 60,
  sessionMaxSeconds: 10 * 60,
} as const;

/** Keycloak's SSO Session Max on the real Apiax: refresh tokens die 14 days after login. */
export const REAL_SESSION_MAX_SECONDS = 14 * 24 * 60 * 60;

/** The API key the embedded fake requires, so the `Apikey` header is exercised as in production. */
export const FAKE_API_KEY = 'demo-api-key';

export function readDemoMode(env: Environment = process.env): DemoMode {
  return env[DEMO_ENV.mode] === 'real' ? 'real' : 'fake';
}

export function readSessionMaxMs(env: Environment = process.env): number {
  const seconds = Number(env[DEMO_ENV.sessionMaxSeconds]);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : REAL_SESSION_MAX_SECONDS) * 1000;
}

/**
 * Options every demo client shares (the credentials and URLs come from `APIAX_*`).
 * `background` keeps the session warm, so the dashboard shows refreshes without any traffic.
 */
export function demoClientOptions(clock: ApiaxClock, mode: DemoMode): ApiaxAuthOptions {
  return {
    clock,
    background: true,
    // With 60-second tokens the default window (at least 60 s) would mean "always refreshing".
    ...(mode === 'fake' ? { refreshWindowMs: 15_000 } : {}),
  };
}
