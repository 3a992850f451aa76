import type { DemoMode, Environment } from '../shared/demo-settings.js';
import { FLEET_SIZE, type FleetAbsence } from '../shared/fleet-settings.js';

/** Why there is no fleet, said where the user is looking when the demo starts. */
const FLEET_ABSENT: Record<FleetAbsence, string> = {
  disabled: 'The fleet is off (DEMO_FLEET=off).',
  'no-redis-server': 'No redis-server found, so no fleet: `apt-get install redis-server` or `brew install redis`, then `pnpm demo` again.',
  'real-apiax': 'The fleet runs on the embedded fake only.',
  'start-failed': 'The fleet could not start (see above): the rest of the demo runs without it.',
};

/** What the demo prints once everything answers: what runs, against what, and the one URL to open. */
export function bannerLines(mode: DemoMode, dashboardUrl: string, env: Environment, fleetAbsence: FleetAbsence | null): string[] {
  const against =
    mode === 'fake'
      ? 'against an embedded fake Apiax (no account needed; set APIAX_USERNAME/APIAX_PASSWORD for the real one)'
      : `against the real Apiax as ${env.APIAX_USERNAME}`;
  const fleet =
    fleetAbsence === null
      ? `  And a fleet: ${FLEET_SIZE} instances of one app sharing one Redis store.`
      : `  ${FLEET_ABSENT[fleetAbsence]}`;
  return [
    '',
    '  apiax-auth demo: Express, Nest and Next.js apps, each calling the rule engine through its adapter,',
    `  ${against}.`,
    fleet,
    '',
    `  Open  ${dashboardUrl}`,
    '',
    '  Ctrl-C stops everything.',
    '',
  ];
}
