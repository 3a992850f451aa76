import type { ApiaxAuthState, ApiaxStoreState } from '@apiax-auth/core';
import type { FleetAbsence } from '../src/shared/fleet-settings.js';
import type { FleetTokenSource } from '../src/shared/fleet-snapshot.js';

/** Re-exported for the page's components, which import their types from lib/ only. */
export type { FleetAbsence, FleetTokenSource };

/** One row of the fleet card: an instance's client as its status and its token tracker see it. */
export interface FleetInstanceView {
  instance: number;
  /** `false` when the instance did not answer; `problem` says why. */
  reachable: boolean;
  problem: string | null;
  pid: number | null;
  state: ApiaxAuthState | null;
  /** `shared` while the Redis store serves; `degraded` when the instance runs on its own copy. */
  store: ApiaxStoreState | null;
  /** Grants this instance sent itself. */
  grants: { password: number; refresh: number };
  /** Tokens it took from the store, renewed by another instance. */
  adopted: number;
  lastSource: FleetTokenSource | null;
  /** 8 hex characters of a SHA-256 of the access token it holds. */
  tokenFingerprint: string | null;
  calls: { ok: number; failed: number };
  /** Ms left on its access token, by its own clock; `null` when it holds none. */
  accessTokenRemainingMs: number | null;
}

/** What the fake saw of the fleet's account (its request log, filtered by username). */
export interface FleetAccountCounts {
  logins: number;
  refreshes: number;
  apiCalls: number;
}

/** The fleet card: the instances and their account, or why there is no fleet. */
export type FleetView =
  | {
      running: true;
      instances: FleetInstanceView[];
      /** `null` when the fake did not answer. */
      account: FleetAccountCounts | null;
      /** The fingerprint every instance that holds a token shares; `null` when they differ or none holds one. */
      sharedFingerprint: string | null;
    }
  | { running: false; absence: FleetAbsence };

/** What the burst button shows. */
export interface FleetBurstResult {
  ok: boolean;
  message: string;
  /** Wall-clock epoch ms: tells a new result from the previous one. */
  at: number;
}
