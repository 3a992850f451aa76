import type { ApiaxAuthState, ApiaxAuthErrorCode } from '@apiax-auth/core';
import type { AdapterName } from '../src/shared/app-snapshot.js';
import type { DemoEvent } from '../src/shared/demo-event.js';
import type { DemoMode } from '../src/shared/demo-settings.js';
import type { FleetView } from './dashboard-types-fleet.js';

export type { AdapterName, DemoEvent, DemoMode };

/** One adapter's card: what its client's `status()` says, with times made relative to its own clock. */
export interface AdapterView {
  adapter: AdapterName;
  /** `false` when its app did not answer; `problem` says why. */
  reachable: boolean;
  problem: string | null;
  state: ApiaxAuthState | null;
  /** Ms left on the access token, by the app's clock when the snapshot was taken; `null` when none. */
  accessTokenRemainingMs: number | null;
  /** Ms left before the refresh token (the Keycloak session) dies; `null` when unknown. */
  refreshTokenRemainingMs: number | null;
  grants: { password: number; refresh: number };
  lastError: { code: ApiaxAuthErrorCode; message: string } | null;
  clockOffsetMs: number;
}

/** The counters of the embedded fake, as its `/__fake/stats` gives them. */
export interface FakeView {
  tokenRequests: number;
  password: number;
  refresh: number;
  failedLogins: number;
  failedRefreshes: number;
  apiCalls: number;
  rejectedApiCalls: number;
  activeSessions: number;
}

/** Everything the dashboard shows; polled every second from `/api/dashboard`. Holds no secret. */
export interface DashboardData {
  mode: DemoMode;
  apiOrigin: string;
  sessionMaxMs: number;
  /** The longest an access token lives here: the full circle of the countdown. */
  accessTokenLifetimeMs: number;
  clockOffsetMs: number;
  adapters: AdapterView[];
  /** `null` against the real Apiax, or when the fake did not answer. */
  fake: FakeView | null;
  /** The fleet sharing a Redis store, or why it is not running. */
  fleet: FleetView;
  /** Newest first, from all three apps and the dashboard's controls. */
  events: DemoEvent[];
}

/** What a call button shows. */
export interface CallResult {
  via: AdapterName;
  ok: boolean;
  /** HTTP status of the rule engine's answer as the app relayed it; `null` when the app was not reached. */
  status: number | null;
  durationMs: number;
  summary: string;
  /** Wall-clock epoch ms. */
  at: number;
}

/** What a resilience control shows. */
export interface ControlResult {
  ok: boolean;
  message: string;
}
