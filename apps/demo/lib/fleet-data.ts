import 'server-only';
import type { FleetSetup } from '../src/shared/fleet-settings.js';
import type { FleetInstanceSnapshot } from '../src/shared/fleet-snapshot.js';
import type { FleetInstanceView } from './dashboard-types-fleet.js';
import { instanceViewOf } from './fleet-view.js';

const INSTANCE_TIMEOUT_MS = 2_500;

/** Reads every fleet instance's status, in parallel; none when the fleet is not running. */
export async function loadFleetInstances(setup: FleetSetup): Promise<FleetInstanceView[]> {
  if (!setup.running) return [];
  const snapshots = await Promise.all(setup.urls.map((url, index) => fetchInstance(url, index + 1)));
  return snapshots.map((snapshot, index) => instanceViewOf(index + 1, snapshot));
}

async function fetchInstance(baseUrl: string, instance: number): Promise<FleetInstanceSnapshot | string> {
  try {
    const response = await fetch(`${baseUrl}/__demo/status`, { cache: 'no-store', signal: AbortSignal.timeout(INSTANCE_TIMEOUT_MS) });
    if (!response.ok) return `instance ${instance} answered ${response.status}`;
    return (await response.json()) as FleetInstanceSnapshot;
  } catch {
    return `instance ${instance} does not answer`;
  }
}
