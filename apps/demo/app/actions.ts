'use server';

import {
  FAST_FORWARD_SECONDS,
  endAllSessions as endSessions,
  failTokenEndpoint as failTokens,
  fastForward as moveTime,
  type FastForwardSeconds,
} from '../lib/fake-controls.js';
import { burstAcrossFleet } from '../lib/fleet-burst.js';
import { evaluateThrough, evaluateWithNext } from '../lib/rule-calls.js';
import type { CallResult, ControlResult } from '../lib/dashboard-types.js';
import type { FleetBurstResult } from '../lib/dashboard-types-fleet.js';

// Server actions are public POST endpoints: each takes no input it does not check, and returns
// only what the page shows (no token ever: results are summaries of the rule engine's answers).

/** "Evaluate rules": the Next adapter, from a server action. */
export async function evaluateRules(): Promise<CallResult> {
  return evaluateWithNext();
}

export async function callViaExpress(): Promise<CallResult> {
  return evaluateThrough('express');
}

export async function callViaNest(): Promise<CallResult> {
  return evaluateThrough('nest');
}

/** "Burst": rule-engine calls to every fleet instance at once. */
export async function burstFleet(): Promise<FleetBurstResult> {
  try {
    return await burstAcrossFleet();
  } catch {
    return { ok: false, message: 'the burst could not be sent', at: Date.now() };
  }
}

export async function fastForward(seconds: number): Promise<ControlResult> {
  if (!(FAST_FORWARD_SECONDS as readonly number[]).includes(seconds)) {
    return { ok: false, message: `Fast-forward by ${FAST_FORWARD_SECONDS.join(' or ')} seconds only` };
  }
  return control(() => moveTime(seconds as FastForwardSeconds));
}

export async function endAllSessions(): Promise<ControlResult> {
  return control(endSessions);
}

export async function failTokenEndpoint(): Promise<ControlResult> {
  return control(failTokens);
}

async function control(run: () => Promise<ControlResult>): Promise<ControlResult> {
  try {
    return await run();
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : 'the control failed' };
  }
}
