import 'server-only';
import { DEMO_ENV, readDemoMode, readSessionMaxMs, type DemoMode, type Environment } from '../src/shared/demo-settings.js';
import { readFleetSetup, type FleetSetup } from '../src/shared/fleet-settings.js';

/** Where the dashboard finds the other apps and the fake; read per request (set by the orchestrator). */
export interface DemoEnvironment {
  mode: DemoMode;
  sessionMaxMs: number;
  expressUrl: string | null;
  nestUrl: string | null;
  /** Origin of the fake's `/__fake/*` endpoints; `null` against the real Apiax. */
  fakeAdminUrl: string | null;
  /** Where the rule engine is, for the header (an origin, no secret). */
  apiOrigin: string;
  /** The fleet instances' URLs, or why there is no fleet. */
  fleet: FleetSetup;
}

export function readDemoEnvironment(env: Environment = process.env): DemoEnvironment {
  const mode = readDemoMode(env);
  return {
    mode,
    sessionMaxMs: readSessionMaxMs(env),
    expressUrl: env[DEMO_ENV.expressUrl] || null,
    nestUrl: env[DEMO_ENV.nestUrl] || null,
    fakeAdminUrl: mode === 'fake' ? env[DEMO_ENV.fakeAdminUrl] || null : null,
    apiOrigin: originOf(env.APIAX_API_URL) ?? 'https://rule-engine.apiax.io',
    fleet: readFleetSetup(env),
  };
}

function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
