import 'server-only';
import { readDemoEnvironment } from './demo-env.js';
import type { FleetBurstResult } from './dashboard-types-fleet.js';

/** Calls per instance in one burst: enough concurrency to make every instance want a token at once. */
export const BURST_CALLS_PER_INSTANCE = 10;

const CALL_TIMEOUT_MS = 60_000;

/**
 * Sends {@link BURST_CALLS_PER_INSTANCE} rule-engine calls to every fleet instance, all at once: on a
 * cold fleet, each instance needs a token at the same moment, and the store makes it one login.
 */
export async function burstAcrossFleet(): Promise<FleetBurstResult> {
  const { fleet } = readDemoEnvironment();
  const at = Date.now();
  if (!fleet.running) return { ok: false, message: 'No fleet is running', at };
  const startedAt = performance.now();
  const outcomes = await Promise.all(
    fleet.urls.flatMap((url) => Array.from({ length: BURST_CALLS_PER_INSTANCE }, () => callInstance(url))),
  );
  const succeeded = outcomes.filter(Boolean).length;
  const durationMs = Math.round(performance.now() - startedAt);
  return {
    ok: succeeded === outcomes.length,
    message: `${succeeded} of ${outcomes.length} calls answered 200 across ${fleet.urls.length} instances in ${durationMs} ms`,
    at,
  };
}

async function callInstance(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/rules/eval`, {
      method: 'POST',
      cache: 'no-store',
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
