import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterEach } from 'vitest';
import { createTestClock, startFakeApiax, type FakeApiax, type FakeApiaxOptions, type TestClock } from '@apiax-auth/testing';
import { createApiaxAuth, type ApiaxAuth, type ApiaxAuthOptions } from '../../src/index.js';

/** A fake and a clock shared with the clients under test; everything closes after each test. */
export interface Harness {
  fake: FakeApiax;
  clock: TestClock;
  /** A client pointed at the fake, on the shared clock, with fast retries. Closed after the test. */
  client(overrides?: ApiaxAuthOptions): ApiaxAuth;
}

const openFakes: FakeApiax[] = [];
const openClients: ApiaxAuth[] = [];

afterEach(async () => {
  await Promise.all(openClients.splice(0).map((client) => client.close()));
  await Promise.all(openFakes.splice(0).map((fake) => fake.close()));
});

export async function startHarness(options: FakeApiaxOptions = {}, startEpochMs = Date.UTC(2025, 0, 6, 9, 0, 0)): Promise<Harness> {
  const clock = createTestClock(startEpochMs);
  const fake = await startFakeApiax({ now: clock.now, ...options });
  openFakes.push(fake);
  return {
    fake,
    clock,
    client(overrides = {}) {
      const client = createApiaxAuth({
        env: {},
        issuer: fake.issuer,
        tokenEndpoint: fake.tokenEndpoint,
        apiBaseUrl: fake.apiBaseUrl,
        username: fake.env.APIAX_USERNAME,
        password: fake.env.APIAX_PASSWORD,
        ...(fake.env.APIAX_API_KEY !== undefined ? { apiKey: fake.env.APIAX_API_KEY } : {}),
        now: clock.now,
        retryBaseDelayMs: 5,
        retryMaxDelayMs: 50,
        ...overrides,
      });
      openClients.push(client);
      return client;
    },
  };
}

export function rsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** Resolves once the client has no grant in flight (background renewals included). */
export async function settled(client: ApiaxAuth, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (client.status().state === 'refreshing') {
    if (Date.now() > deadline) throw new Error('the client did not settle in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Collects every log line of every level, to search for secrets. */
export function captureLogger(): { logger: Required<NonNullable<ApiaxAuthOptions['logger']>>; lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (message: string, details?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${details === undefined ? '' : JSON.stringify(details)}`);
  };
  return { logger: { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }, lines };
}

/** One request seen by {@link recordingFetch}: the form it carried (tests only: it holds secrets). */
export interface RecordedRequest {
  url: string;
  method: string;
  contentType: string | null;
  form: URLSearchParams | null;
}

/** The platform fetch, recording every request it sends (real HTTP all the same). */
export function recordingFetch(): { fetch: typeof globalThis.fetch; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const fetchAndRecord: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const contentType = request.headers.get('content-type');
    const form = contentType?.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(await request.clone().text()) : null;
    requests.push({ url: request.url, method: request.method, contentType, form });
    return globalThis.fetch(input, init);
  };
  return { fetch: fetchAndRecord, requests };
}

/**
 * The platform fetch, able to alter token requests in transit: as if the password changed on the
 * server (`sendPassword`), or another process used the same refresh token first (`duplicateNextRefresh`).
 */
export function tamperingFetch(): {
  fetch: typeof globalThis.fetch;
  sendPassword(password: string | null): void;
  duplicateNextRefresh(): void;
} {
  let password: string | null = null;
  let duplicate = false;
  const fetchAndTamper: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    if (!request.headers.get('content-type')?.startsWith('application/x-www-form-urlencoded')) return globalThis.fetch(input, init);
    const form = new URLSearchParams(await request.clone().text());
    if (password !== null && form.get('grant_type') === 'password') form.set('password', password);
    if (duplicate && form.get('grant_type') === 'refresh_token') {
      duplicate = false;
      const first = await globalThis.fetch(request.url, { method: 'POST', headers: request.headers, body: form.toString() });
      await first.arrayBuffer();
    }
    return globalThis.fetch(request.url, { method: 'POST', headers: request.headers, body: form.toString(), signal: request.signal });
  };
  return {
    fetch: fetchAndTamper,
    sendPassword: (value) => {
      password = value;
    },
    duplicateNextRefresh: () => {
      duplicate = true;
    },
  };
}

/**
 * The platform fetch with a connection pool towards one origin, as an HTTP agent would have: at most
 * `connections` requests to it at once, the others queue; each response is read in full before its
 * slot frees. (10,000 concurrent `auth.fetch` calls would otherwise open 10,000 sockets.) Records the
 * bearer token of every request to that origin, in the order they were sent.
 */
export function pooledFetch(origin: string, connections = 32): { fetch: typeof globalThis.fetch; bearers: string[] } {
  const bearers: string[] = [];
  const waiting: Array<() => void> = [];
  let active = 0;
  const fetchThroughPool: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    if (new URL(request.url).origin !== new URL(origin).origin) return globalThis.fetch(input, init);
    if (active >= connections) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      bearers.push(request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '');
      const response = await globalThis.fetch(request);
      const body = await response.arrayBuffer();
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
  return { fetch: fetchThroughPool, bearers };
}
