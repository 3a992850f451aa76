import type { DemoMode, Environment } from '../shared/demo-settings.js';
import { FLEET_ENV, type FleetAbsence } from '../shared/fleet-settings.js';

/** What `DEMO_FLEET` may say to keep the fleet from starting. */
const OFF_VALUES = ['off', '0', 'false'];

/** Whether the demo starts the fleet, and with which redis-server; or why not. */
export type FleetPlan = { start: true; redisServer: string } | { start: false; absence: FleetAbsence };

/**
 * The fleet runs on the embedded fake only (it has an account of its own there, whose grants the card
 * counts), when not switched off with `DEMO_FLEET=off`, and when a redis-server was found.
 */
export function planFleet(env: Environment, mode: DemoMode, redisServer: string | null): FleetPlan {
  if (OFF_VALUES.includes(env[FLEET_ENV.switch] ?? '')) return { start: false, absence: 'disabled' };
  if (mode !== 'fake') return { start: false, absence: 'real-apiax' };
  if (redisServer === null) return { start: false, absence: 'no-redis-server' };
  return { start: true, redisServer };
}
