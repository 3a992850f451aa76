import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { handleApiRequest } from './api-server.js';
import { authRequestListener, guard, REALM_PATH } from './auth-server.js';
import { BruteForceProtector } from './brute-force.js';
import { ClientAssertionVerifier } from './client-assertion.js';
import { OffsetClock } from './clock.js';
import type { Counters, FakeContext } from './context.js';
import { FaultQueue } from './faults.js';
import { closeServer, listen } from './http.js';
import { realmKeys } from './keys.js';
import { resolveOptions } from './options.js';
import { SessionRegistry } from './sessions.js';
import type { FakeApiax, FakeApiaxEnv, FakeApiaxOptions, FakeApiaxStats, FakeFault, FakeRequestLogEntry } from './types.js';

/** The request log keeps this many entries, so a long-running fake (the CLI) does not grow without bound. */
const MAX_LOG_ENTRIES = 10_000;

/**
 * Starts a fake Apiax on loopback: a Keycloak-faithful auth origin (token, logout, revoke, certs, discovery and
 * the `/__fake/*` admin endpoints) and a separate API origin serving the rule engine. Close it with
 * `await fake.close()`.
 *
 * @example
 * const fake = await startFakeApiax({ users: [{ username: 'demo', password: 'demo' }] });
 * const auth = createApiaxAuth({ issuer: fake.issuer, apiBaseUrl: fake.apiBaseUrl, username: 'demo', password: 'demo' });
 * // …
 * await fake.close();
 */
export async function startFakeApiax(options: FakeApiaxOptions = {}): Promise<FakeApiax> {
  const settings = resolveOptions(options);
  const assertions = new ClientAssertionVerifier();
  for (const user of settings.users) if (user.assertion) assertions.register(user.username, user.assertion);
  const keys = await realmKeys();

  // Node's 5 s keep-alive default is shorter than clients' idle pools (undici keeps sockets 4 s and
  // races the server's close): under load that shows as ECONNRESET no real Keycloak behind a proxy
  // produces. Proxies in front of Keycloak keep connections for about a minute.
  const serverOptions = { keepAliveTimeout: 65_000, headersTimeout: 66_000 };
  const authServer = createServer(serverOptions);
  const apiServer = createServer(serverOptions);
  const authPort = await listen(authServer, settings.host, settings.authPort);
  let apiPort: number;
  try {
    apiPort = await listen(apiServer, settings.host, settings.apiPort);
  } catch (cause) {
    await closeServer(authServer);
    throw cause;
  }
  const origin = (port: number) => `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}`;
  const issuer = `${origin(authPort)}${REALM_PATH}`;
  const tokenEndpoint = `${issuer}/protocol/openid-connect/token`;
  const apiBaseUrl = origin(apiPort);

  const log: FakeRequestLogEntry[] = [];
  const clock = new OffsetClock(settings.now);
  const context: FakeContext = {
    issuer,
    tokenEndpoint,
    clientId: settings.clientId,
    clock,
    keys,
    sessions: new SessionRegistry(settings),
    assertions,
    bruteForce: new BruteForceProtector(settings.maxFailures),
    faults: new FaultQueue(),
    users: new Map(settings.users.map((user) => [user.username, { ...user, id: randomUUID() }])),
    apiKeys: settings.apiKeys,
    tokenLatencyMs: settings.tokenLatencyMs,
    directAccessGrantsEnabled: settings.directAccessGrantsEnabled,
    scope: 'profile email',
    counters: zeroCounters(),
    refreshesInFlight: new Map(),
    revokedAccessTokens: new Map(),
    timers: new Set(),
    log: (entry) => {
      log.push({ at: clock.now(), ...withoutUndefined(entry) });
      // Trim in batches: shifting a 10,000-entry array on every request would cost more than the request.
      if (log.length > MAX_LOG_ENTRIES + 1000) log.splice(0, log.length - MAX_LOG_ENTRIES);
    },
  };

  const firstUser = settings.users[0]!;
  const env: FakeApiaxEnv = {
    APIAX_ISSUER: issuer,
    APIAX_TOKEN_URL: tokenEndpoint,
    APIAX_API_URL: apiBaseUrl,
    APIAX_USERNAME: firstUser.username,
    APIAX_PASSWORD: firstUser.password,
    ...(settings.apiKeys?.[0] !== undefined ? { APIAX_API_KEY: settings.apiKeys[0] } : {}),
  };

  const stats = liveStats(context);
  let closing: Promise<void> | undefined;
  const fake: FakeApiax = {
    issuer,
    tokenEndpoint,
    apiBaseUrl,
    env,
    stats,
    get requests() {
      return log.map((entry) => ({ ...entry }));
    },
    now: () => clock.now(),
    advance: (seconds) => clock.advance(seconds),
    fail: (fault: FakeFault, count = 1) => context.faults.add(fault, count),
    clearFaults: () => context.faults.clear(),
    endAllSessions: () => {
      context.sessions.endSessions();
    },
    revokeSessions: (username) => {
      context.sessions.endSessions(username);
    },
    unlock: (username) => context.bruteForce.unlock(username),
    isLocked: (username) => context.bruteForce.isLocked(username),
    resetStats: () => {
      Object.assign(context.counters, zeroCounters());
      log.length = 0;
    },
    close: () => {
      closing ??= (async () => {
        for (const timer of context.timers) clearTimeout(timer);
        context.timers.clear();
        context.faults.clear();
        await Promise.all([closeServer(authServer), closeServer(apiServer)]);
      })();
      return closing;
    },
  };

  authServer.on('request', authRequestListener(context, fake));
  apiServer.on('request', (request, response) => guard(response, () => handleApiRequest(context, request, response)));
  return fake;
}

/** A view whose every property reads the current value; spreading it (`{ ...fake.stats }`) takes a snapshot. */
function liveStats(context: FakeContext): FakeApiaxStats {
  const view = {} as FakeApiaxStats;
  for (const name of Object.keys(zeroCounters()) as (keyof Counters)[]) {
    Object.defineProperty(view, name, { enumerable: true, get: () => context.counters[name] });
  }
  Object.defineProperty(view, 'activeSessions', {
    enumerable: true,
    get: () => context.sessions.countActive(context.clock.now()),
  });
  return Object.freeze(view);
}

function zeroCounters(): Counters {
  return {
    tokenRequests: 0,
    password: 0,
    refresh: 0,
    failedLogins: 0,
    failedRefreshes: 0,
    logouts: 0,
    revocations: 0,
    apiCalls: 0,
    rejectedApiCalls: 0,
    maxConcurrentRefreshes: 0,
  };
}

function withoutUndefined<T extends object>(entry: T): T {
  return Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined)) as T;
}
