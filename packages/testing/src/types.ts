import type { KeyObject } from 'node:crypto';

/**
 * An RSA public JWK. Declared here rather than taken from jose: jose's types are ES-module-only, and
 * this package's CommonJS typings must not import them.
 */
export interface FakePublicJwk {
  kty?: string | undefined;
  n?: string | undefined;
  e?: string | undefined;
  [parameter: string]: unknown;
}

/** The public key a 2FA user signs client assertions with, as Apiax support registers it. */
export interface FakeAssertionRegistration {
  /** RS256 public key: PEM (SPKI or PKCS#1; a private key PEM works too), a Node `KeyObject`, or a JWK. */
  publicKey: string | KeyObject | FakePublicJwk;
  /** The assertion's `sub`: in 2FA this is the client id of the session. */
  subject: string;
  /** The assertion's expected `iss`; defaults to `subject` (as Keycloak requires). */
  issuer?: string | undefined;
}

/** A user of the fake realm. */
export interface FakeUser {
  username: string;
  password: string;
  /** Makes the user a 2FA user: logins, refreshes and logouts need a client assertion signed with this key. */
  assertion?: FakeAssertionRegistration | undefined;
  /** `true`: every login answers 400 `invalid_grant` "Account disabled". */
  disabled?: boolean | undefined;
  /** `true`: a correct login answers 400 `invalid_grant` "Account is not fully set up". */
  requiredActions?: boolean | undefined;
}

/** Keycloak's brute-force detection: lock a user after `maxFailures` failed logins. */
export interface FakeBruteForceOptions {
  maxFailures: number;
}

/** Options of {@link startFakeApiax}. Every field is optional. */
export interface FakeApiaxOptions {
  /** Users of the realm. Default: `[{ username: 'demo', password: 'demo' }]`. */
  users?: FakeUser[] | undefined;
  /** The 1FA client id that may use the password and refresh grants. Default `integration-api`. */
  clientId?: string | undefined;
  /** Lifetime of access tokens, seconds (capped by what is left of the SSO session). Default 1800. */
  accessTokenLifetimeSeconds?: number | undefined;
  /** SSO Session Max: a session (and its refresh tokens) dies this long after the password login. Default 14 days. */
  ssoSessionMaxSeconds?: number | undefined;
  /** SSO Session Idle: a session dies when not refreshed for this long. Default 14 days. */
  ssoSessionIdleSeconds?: number | undefined;
  /**
   * Keycloak's "Direct Access Grants Enabled" of the client. `false`: every password grant answers 400
   * `unauthorized_client` "Client not allowed for direct access grants". Default `true`.
   */
  directAccessGrantsEnabled?: boolean | undefined;
  /** Keycloak's "Revoke Refresh Token": reusing a rotated refresh token ends the whole session. Default `false`. */
  rotateRefreshTokens?: boolean | undefined;
  /** Brute-force protection, or `false` to disable it. Default `{ maxFailures: 5 }`. */
  bruteForce?: FakeBruteForceOptions | false | undefined;
  /** When set, the rule engine requires one of these as the `Apikey` header (else 403). Default: none required. */
  apiKeys?: string[] | undefined;
  /** Artificial delay before every token endpoint answer, ms. Default 0. */
  tokenLatencyMs?: number | undefined;
  /** Time source, epoch ms. Default `Date.now`. The fake's clock is `now()` plus whatever `advance()` added. */
  now?: (() => number) | undefined;
  /** Interface both servers listen on. Default `127.0.0.1`. */
  host?: string | undefined;
  /** Port of the auth origin (token endpoint). Default 0: a free port. */
  authPort?: number | undefined;
  /** Port of the API origin (rule engine). Default 0: a free port. */
  apiPort?: number | undefined;
}

/** A fault the token endpoint answers with, instead of the normal answer, for the next N token requests. */
export type FakeFault =
  /** A proxy's HTML error page (`content-type: text/html`). */
  | { type: 'html'; status: 502 | 503 | 504 }
  /** Keycloak's uncaught error: 500 `unknown_error`. */
  | { type: 'server-error' }
  /** Waits `ms`, then answers normally. */
  | { type: 'delay'; ms: number }
  /**
   * Destroys the socket without answering. With `afterProcessing: true` the grant is carried out first (a session
   * opened, a refresh token rotated) and only the answer is lost, as when a proxy or the network fails on the way
   * back: a client that retries a refresh with the same token then reuses a rotated one.
   */
  | { type: 'drop'; afterProcessing?: boolean };

/** Live counters of the fake: every read of a property is current. Spread it (`{ ...fake.stats }`) for a snapshot. */
export interface FakeApiaxStats {
  /** Every request to the token endpoint, including those answered by an injected fault. */
  tokenRequests: number;
  /** Password grants processed (successful or not; not counting faulted requests). */
  password: number;
  /** Refresh grants processed (successful or not; not counting faulted requests). */
  refresh: number;
  /** Password grants that were refused. */
  failedLogins: number;
  /** Refresh grants that were refused. */
  failedRefreshes: number;
  /** Logout requests answered 204. */
  logouts: number;
  /** Revocation requests answered 200. */
  revocations: number;
  /** Every request to the API origin, accepted or not. */
  apiCalls: number;
  /** API requests refused with 401 (token) or 403 (API key). */
  rejectedApiCalls: number;
  /** The most refresh grants in flight at once for one session. */
  maxConcurrentRefreshes: number;
  /** Sessions currently alive (not ended, not expired by the fake's clock). */
  activeSessions: number;
}

/** Which endpoint a logged request hit. */
export type FakeEndpoint = 'token' | 'logout' | 'revoke' | 'certs' | 'discovery' | 'api';

/** One entry of the request log. Never holds a password, token or assertion. */
export interface FakeRequestLogEntry {
  /** The fake's time when the answer was sent, epoch ms. */
  at: number;
  endpoint: FakeEndpoint;
  /** `grant_type` of a token request, when given. */
  grantType?: string;
  /** The user concerned, when known (the `username` field of a login, or the session's user). */
  username?: string;
  /** HTTP status answered; 0 for a dropped connection. */
  status: number;
  /** The `error` code answered, if any. */
  error?: string;
}

/** `APIAX_*` environment values pointing a client at the fake (first user, first API key). */
export interface FakeApiaxEnv {
  APIAX_ISSUER: string;
  APIAX_TOKEN_URL: string;
  APIAX_API_URL: string;
  APIAX_USERNAME: string;
  APIAX_PASSWORD: string;
  APIAX_API_KEY?: string;
}

/** A running fake Apiax: an auth origin (Keycloak realm) and an API origin (rule engine). */
export interface FakeApiax {
  /** `http://<host>:<authPort>/auth/realms/apiax` */
  readonly issuer: string;
  /** `${issuer}/protocol/openid-connect/token` */
  readonly tokenEndpoint: string;
  /** `http://<host>:<apiPort>`: a separate origin from the auth server, as in production. */
  readonly apiBaseUrl: string;
  /** `APIAX_*` values pointing at the fake. */
  readonly env: FakeApiaxEnv;
  /** Live counters (each property reads the current value); `{ ...fake.stats }` takes a snapshot. */
  readonly stats: FakeApiaxStats;
  /** The request log (a copy), oldest first. */
  readonly requests: FakeRequestLogEntry[];
  /** The fake's current time, epoch ms. */
  now(): number;
  /** Moves the fake's clock forward. With a shared {@link createTestClock}, advance that clock instead. */
  advance(seconds: number): void;
  /** The next `count` token requests are answered with `fault`. */
  fail(fault: FakeFault, count?: number): void;
  /** Drops every queued fault: the token endpoint answers normally again (ends an outage started with a large count). */
  clearFaults(): void;
  /** Ends every session (as an admin "Sign out all active sessions"). */
  endAllSessions(): void;
  /** Ends every session of one user. */
  revokeSessions(username: string): void;
  /** Clears a brute-force lockout and the user's failure count. */
  unlock(username: string): void;
  /** Whether brute-force protection currently locks the user. */
  isLocked(username: string): boolean;
  /** Zeroes the counters and clears the request log. Sessions and lockouts stay. */
  resetStats(): void;
  /** Stops both servers and drops open connections. */
  close(): Promise<void>;
}
