import type { Environment } from './demo-settings.js';

/** How many instances of the fleet app the demo starts: enough to see them take turns. */
export const FLEET_SIZE = 4;

/** The fake's account the whole fleet shares (the three adapter apps use `demo`). */
export const FLEET_USERNAME = 'fleet';

/** What the orchestrator hands to the fleet instances and to the dashboard. */
export const FLEET_ENV = {
  /** `off` keeps the fleet from starting. Read by the orchestrator only. */
  switch: 'DEMO_FLEET',
  /** A redis-server binary to use instead of the one on the PATH. Read by the orchestrator only. */
  redisServer: 'DEMO_REDIS_SERVER',
  /** For the dashboard: the instances' URLs, comma-separated, when the fleet runs. */
  urls: 'DEMO_FLEET_URLS',
  /** For the dashboard: why the fleet does not run (a {@link FleetAbsence}). */
  absence: 'DEMO_FLEET_ABSENCE',
  /** For an instance: its number (1…), shown on its row. */
  instance: 'DEMO_FLEET_INSTANCE',
  /** For an instance: the private redis-server's URL. */
  redisUrl: 'DEMO_FLEET_REDIS_URL',
  /** For an instance: the store's encryption key (base64, new for every demo run). A secret. */
  storeKey: 'DEMO_FLEET_STORE_KEY',
} as const;

/** Why the fleet is not running: switched off, no redis-server found, not on the embedded fake, or it failed to start. */
export type FleetAbsence = 'disabled' | 'no-redis-server' | 'real-apiax' | 'start-failed';

const ABSENCES: readonly FleetAbsence[] = ['disabled', 'no-redis-server', 'real-apiax', 'start-failed'];

/** The dashboard's view of the fleet's set-up: its URLs, or why there are none. */
export type FleetSetup = { running: true; urls: string[] } | { running: false; absence: FleetAbsence };

/** Reads what the orchestrator wrote for the dashboard; no URLs and no reason means "not started by `pnpm demo`". */
export function readFleetSetup(env: Environment): FleetSetup {
  const urls = (env[FLEET_ENV.urls] ?? '').split(',').filter((url) => url !== '');
  if (urls.length > 0) return { running: true, urls };
  const absence = env[FLEET_ENV.absence] as FleetAbsence | undefined;
  return { running: false, absence: absence !== undefined && ABSENCES.includes(absence) ? absence : 'disabled' };
}
