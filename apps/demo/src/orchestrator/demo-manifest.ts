import { writeFileSync } from 'node:fs';
import type { DemoMode } from '../shared/demo-settings.js';
import type { FleetAbsence } from '../shared/fleet-settings.js';

/** What a running demo is made of; written to `DEMO_MANIFEST` (a path) for tools and tests. */
export interface DemoManifest {
  mode: DemoMode;
  dashboardUrl: string;
  expressUrl: string;
  nestUrl: string;
  fakeAdminUrl: string | null;
  fakeApiUrl: string | null;
  /** The fleet instances' URLs, in instance order; empty when there is no fleet. */
  fleetUrls: string[];
  /** The fleet's private redis-server (`redis://127.0.0.1:<port>`); `null` when there is no fleet. */
  redisUrl: string | null;
  /** Why there is no fleet; `null` when it runs. */
  fleetAbsence: FleetAbsence | null;
  orchestratorPid: number;
  /** Every process the orchestrator spawned (each leads a process group). */
  appPids: number[];
}

/** Writes the manifest as JSON, once everything answers (a reader may take its presence for "ready"). */
export function writeManifest(path: string, manifest: DemoManifest): void {
  writeFileSync(path, JSON.stringify(manifest, null, 2));
}
