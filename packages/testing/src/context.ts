import type { BruteForceProtector } from './brute-force.js';
import type { ClientAssertionVerifier } from './client-assertion.js';
import type { OffsetClock } from './clock.js';
import type { FaultQueue } from './faults.js';
import type { RealmKeys } from './keys.js';
import type { SessionRegistry } from './sessions.js';
import type { FakeApiaxStats, FakeRequestLogEntry, FakeUser } from './types.js';

/** Counters kept by the endpoints; `activeSessions` is computed when read. */
export type Counters = Omit<FakeApiaxStats, 'activeSessions'>;

/** Everything the fake's endpoints share: the realm's state and settings. */
export interface FakeContext {
  readonly issuer: string;
  readonly tokenEndpoint: string;
  /** The accepted 1FA client id. */
  readonly clientId: string;
  readonly clock: OffsetClock;
  readonly keys: RealmKeys;
  readonly sessions: SessionRegistry;
  readonly assertions: ClientAssertionVerifier;
  readonly bruteForce: BruteForceProtector;
  readonly faults: FaultQueue;
  readonly users: ReadonlyMap<string, FakeUser & { readonly id: string }>;
  readonly apiKeys: readonly string[] | undefined;
  readonly tokenLatencyMs: number;
  readonly directAccessGrantsEnabled: boolean;
  readonly scope: string;
  readonly counters: Counters;
  /** Refresh grants in flight, per session id. */
  readonly refreshesInFlight: Map<string, number>;
  /** `jti`s of access tokens revoked through the revocation endpoint → their expiry (epoch ms). */
  readonly revokedAccessTokens: Map<string, number>;
  /** Pending timers (latency, delays), cleared on close. */
  readonly timers: Set<NodeJS.Timeout>;
  /** Appends to the request log. */
  log(entry: Omit<FakeRequestLogEntry, 'at'>): void;
}
