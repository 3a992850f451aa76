import type { FakeApiaxEnv } from '@apiax-auth/testing';
import { DEMO_ENV, FAKE_LIFETIMES, REAL_SESSION_MAX_SECONDS, type DemoMode, type Environment } from '../shared/demo-settings.js';

/** A problem with the environment the demo was started with; the message says what to change. */
export class DemoConfigError extends Error {
  override readonly name = 'DemoConfigError';
}

/**
 * Real Apiax when both `APIAX_USERNAME` and `APIAX_PASSWORD` are set, the embedded fake when neither is.
 * One without the other is a mistake worth stopping for: guessing would either ignore the user's
 * account or send half a credential to the real server.
 */
export function resolveDemoMode(env: Environment): DemoMode {
  const hasUsername = Boolean(env.APIAX_USERNAME);
  const hasPassword = Boolean(env.APIAX_PASSWORD);
  if (hasUsername && hasPassword) return 'real';
  if (!hasUsername && !hasPassword) return 'fake';
  const missing = hasUsername ? 'APIAX_PASSWORD' : 'APIAX_USERNAME';
  throw new DemoConfigError(
    `${missing} is not set: set both APIAX_USERNAME and APIAX_PASSWORD to use the real Apiax, or neither to use the embedded fake.`,
  );
}

/** `APIAX_*` variables that would point a client somewhere else than the embedded fake. */
const APIAX_VARIABLE = /^APIAX_/;

/**
 * The environment of the three apps. In fake mode every `APIAX_*` variable comes from the fake, so a
 * stray `APIAX_ISSUER` or `APIAX_ASSERTION_KEY` in the user's shell cannot send the demo elsewhere.
 */
export function appEnvironment(baseEnv: Environment, mode: DemoMode, fake: { env: FakeApiaxEnv; adminUrl: string } | null): Environment {
  const env: Environment = { ...baseEnv, NEXT_TELEMETRY_DISABLED: '1' };
  if (mode === 'fake') {
    if (fake === null) throw new Error('fake mode needs the embedded fake');
    for (const name of Object.keys(env)) if (APIAX_VARIABLE.test(name)) delete env[name];
    for (const [name, value] of Object.entries(fake.env) as Array<[string, string | undefined]>) if (value !== undefined) env[name] = value;
    env[DEMO_ENV.fakeAdminUrl] = fake.adminUrl;
  } else {
    delete env[DEMO_ENV.fakeAdminUrl];
  }
  env[DEMO_ENV.mode] = mode;
  env[DEMO_ENV.sessionMaxSeconds] = String(mode === 'fake' ? FAKE_LIFETIMES.sessionMaxSeconds : REAL_SESSION_MAX_SECONDS);
  return env;
}
