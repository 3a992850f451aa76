import type { ApiaxAuthStatus } from '@apiax-auth/core';

/** How an instance last got its token: its own login or refresh, or adopted from the shared store. */
export type FleetTokenSource = 'login' | 'refresh' | 'adopted';

/** What a fleet instance's `GET /__demo/status` answers: counters and a fingerprint, never a token. */
export interface FleetInstanceSnapshot {
  /** 1…, the order the orchestrator started it in. */
  instance: number;
  pid: number;
  status: ApiaxAuthStatus;
  /** Tokens this instance took from the store, renewed by another instance (no grant sent). */
  adopted: number;
  /** How it got the token it holds now; `null` before its first. */
  lastSource: FleetTokenSource | null;
  /** A short hash of the access token it holds: equal fingerprints, one token. `null` before its first. */
  tokenFingerprint: string | null;
  /** Rule-engine calls it served, and how many of them failed. */
  calls: { ok: number; failed: number };
  /** The instance's demo clock (epoch ms) when the snapshot was taken. */
  now: number;
  clockOffsetMs: number;
}
