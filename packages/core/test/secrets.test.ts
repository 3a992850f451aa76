import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ApiaxAuthError, type ApiaxAuth, type ApiaxAuthOptions } from '../src/index.js';
import { captureLogger, rsaKeyPair, settled, startHarness, type Harness } from './support/harness.js';

const PASSWORD = 'canary-PASSWORD-9f3a71';

/** Everything a client ever exposed: thrown errors, event payloads, status snapshots, log lines. */
interface Exposure {
  errors: unknown[];
  payloads: unknown[];
  statuses: unknown[];
  lines: string[];
}

/** Records every token and refresh token the server hands out, as the canaries to look for. */
function secretSpy(): { fetch: typeof globalThis.fetch; secrets: Set<string> } {
  const secrets = new Set<string>();
  const fetchAndSpy: typeof globalThis.fetch = async (input, init) => {
    const response = await globalThis.fetch(input, init);
    if (String(input).endsWith('/token') && response.headers.get('content-type')?.includes('json')) {
      const body = (await response.clone().json()) as Record<string, unknown>;
      for (const field of ['access_token', 'refresh_token']) if (typeof body[field] === 'string') secrets.add(body[field]);
    }
    return response;
  };
  return { fetch: fetchAndSpy, secrets };
}

function observe(auth: ApiaxAuth, exposure: Exposure): void {
  auth.on('token', (event) => exposure.payloads.push(event));
  auth.on('retry', (event) => exposure.payloads.push(event));
  auth.on('error', (error) => exposure.payloads.push(error));
}

async function capture(exposure: Exposure, auth: ApiaxAuth, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    exposure.errors.push(error);
  }
  exposure.statuses.push(auth.status());
}

/** Every rendering of a value an application might log or send somewhere. */
function renderings(value: unknown): string[] {
  const rendered = [inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true }), JSON.stringify(value) ?? ''];
  if (value instanceof Error) {
    rendered.push(String(value), value.message, value.stack ?? '');
    let cause: unknown = value.cause;
    while (cause !== undefined) {
      rendered.push(inspect(cause, { depth: Number.POSITIVE_INFINITY, showHidden: true }), JSON.stringify(cause) ?? '', String(cause));
      cause = cause instanceof Error ? cause.cause : undefined;
    }
  }
  return rendered;
}

function expectNoSecret(exposure: Exposure, canaries: Iterable<string>): void {
  const texts = [
    ...exposure.errors.flatMap(renderings),
    ...exposure.payloads.flatMap(renderings),
    ...exposure.statuses.flatMap(renderings),
    ...exposure.lines,
  ];
  expect(texts.length).toBeGreaterThan(0);
  const all = [...canaries].filter((canary) => canary.length > 0);
  expect(all.length).toBeGreaterThan(0);
  for (const text of texts) {
    for (const canary of all) expect(text.includes(canary), `a secret leaked into: ${text.slice(0, 300)}`).toBe(false);
    // No JWT of any kind: access tokens, refresh tokens, client assertions.
    expect(text).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/);
  }
}

async function harnessWithCanaries(): Promise<
  Harness & { spy: ReturnType<typeof secretSpy>; logs: ReturnType<typeof captureLogger>; make(o?: ApiaxAuthOptions): ApiaxAuth }
> {
  const harness = await startHarness({ users: [{ username: 'demo', password: PASSWORD }], bruteForce: false });
  const spy = secretSpy();
  const logs = captureLogger();
  return {
    ...harness,
    spy,
    logs,
    make: (overrides = {}) => harness.client({ password: PASSWORD, fetch: spy.fetch, logger: logs.logger, maxRetries: 1, ...overrides }),
  };
}

describe('secrets never leak', () => {
  it('through the whole lifecycle over HTTP: logins, refreshes, rejections, faults, timeouts, logout', async () => {
    const { fake, clock, spy, logs, make } = await harnessWithCanaries();
    const exposure: Exposure = { errors: [], payloads: [], statuses: [], lines: logs.lines };
    const auth = make({ requestTimeoutMs: 200 });
    observe(auth, exposure);

    await capture(exposure, auth, () => auth.getAccessToken());
    clock.advance(26 * 60);
    await capture(exposure, auth, () => auth.getAccessToken());
    await settled(auth);
    clock.advance(30 * 60);
    await capture(exposure, auth, () => auth.getAccessToken());
    fake.endAllSessions();
    await capture(exposure, auth, () => auth.getAccessToken({ forceRefresh: true }));
    await capture(exposure, auth, () => auth.fetch('/api/v3/rules/inspect', { method: 'POST', body: '{}' }));
    for (const fault of [
      { type: 'html', status: 502 },
      { type: 'server-error' },
      { type: 'drop' },
      { type: 'delay', ms: 2_000 },
    ] as const) {
      fake.fail(fault, 2);
      await capture(exposure, auth, () => auth.getAccessToken({ forceRefresh: true }));
    }
    await capture(exposure, auth, () => auth.close({ logout: true }));
    await capture(exposure, auth, () => auth.getAccessToken());

    const wrong = make({ password: `${PASSWORD}-wrong` });
    observe(wrong, exposure);
    await capture(exposure, wrong, () => wrong.getAccessToken());
    await capture(exposure, wrong, () => wrong.getAccessToken());

    expect(spy.secrets.size).toBeGreaterThanOrEqual(6);
    expect(exposure.errors.length).toBeGreaterThanOrEqual(6);
    expect(exposure.errors.every((error) => error instanceof ApiaxAuthError)).toBe(true);
    expect(new Set(exposure.errors.map((error) => (error as ApiaxAuthError).code))).toEqual(
      new Set(['server_error', 'unreachable', 'timeout', 'closed', 'invalid_credentials']),
    );
    expect(logs.lines.some((line) => line.startsWith('warn'))).toBe(true);
    expect(logs.lines.some((line) => line.startsWith('error'))).toBe(true);
    expect(logs.lines.some((line) => line.startsWith('info'))).toBe(true);
    expect(logs.lines.some((line) => line.startsWith('debug'))).toBe(true);
    expectNoSecret(exposure, [...spy.secrets, PASSWORD, `${PASSWORD}-wrong`]);
  });

  it('when a server echoes secrets back in error bodies, descriptions, HTML pages and malformed responses', async () => {
    const { logs, make, spy } = await harnessWithCanaries();
    const exposure: Exposure = { errors: [], payloads: [], statuses: [], lines: logs.lines };
    const good = make();
    await good.getAccessToken();
    const [accessToken] = [...spy.secrets];
    const echoes = `password=${PASSWORD} token=${accessToken}`;
    const answers: Array<() => Response> = [
      () => Response.json({ error: 'invalid_grant', error_description: `Invalid user credentials: ${echoes}` }, { status: 401 }),
      () =>
        Response.json(
          { error: 'invalid_client', error_description: echoes },
          { status: 401, headers: { 'www-authenticate': `Bearer error="invalid_token", error_description="${echoes}"` } },
        ),
      () => new Response(`<html><body>${echoes}</body></html>`, { status: 502, headers: { 'content-type': 'text/html' } }),
      () => new Response(`<html><body>${echoes}</body></html>`, { status: 200, headers: { 'content-type': 'text/html' } }),
      () => Response.json({ access_token: accessToken, token_type: 'mac', expires_in: 60 }),
      () => Response.json({ access_token: accessToken, token_type: 'bearer', expires_in: 'never' }),
      () => new Response(`{"access_token":"${accessToken}", broken`, { status: 200, headers: { 'content-type': 'application/json' } }),
      () => Response.json({ error: 'unknown_error', error_description: echoes }, { status: 500 }),
      () => {
        throw Object.assign(new TypeError('fetch failed'), {
          cause: Object.assign(new Error(`socket hang up ${echoes}`), { code: 'ECONNRESET' }),
        });
      },
    ];
    for (const answer of answers) {
      const auth = make({
        maxRetries: 0,
        fetch: async () => answer(),
      });
      observe(auth, exposure);
      await capture(exposure, auth, () => auth.getAccessToken());
    }
    expect(exposure.errors).toHaveLength(answers.length);
    expect(exposure.errors.map((error) => (error as ApiaxAuthError).code)).toEqual([
      'invalid_credentials',
      'client_rejected',
      'server_error',
      'invalid_response',
      'invalid_response',
      'invalid_response',
      'invalid_response',
      'server_error',
      'unreachable',
    ]);
    expectNoSecret(exposure, [PASSWORD, accessToken!]);
  });

  it('when the server echoes the refresh token and the password back, on a refresh and on the login that follows', async () => {
    const { clock, logs, make, spy } = await harnessWithCanaries();
    const exposure: Exposure = { errors: [], payloads: [], statuses: [], lines: logs.lines };
    let echo: 'server-error' | 'invalid_grant' | null = null;
    const echoed: string[] = [];
    const auth = make({
      fetch: async (input, init) => {
        if (echo === null || !String(input).endsWith('/token')) return spy.fetch(input, init);
        const form = new URLSearchParams(await new Request(input, init).text());
        const description = `Invalid: refresh_token=${form.get('refresh_token')} password=${form.get('password')}`;
        echoed.push(description);
        return echo === 'server-error'
          ? Response.json({ error: 'unknown_error', error_description: description }, { status: 500 })
          : Response.json({ error: 'invalid_grant', error_description: description }, { status: 400 });
      },
    });
    observe(auth, exposure);
    await capture(exposure, auth, () => auth.getAccessToken());
    clock.advance(1800);
    echo = 'server-error';
    await capture(exposure, auth, () => auth.getAccessToken());
    echo = 'invalid_grant';
    await capture(exposure, auth, () => auth.getAccessToken());

    expect(exposure.errors.map((error) => (error as ApiaxAuthError).code)).toEqual(['server_error', 'invalid_credentials']);
    const [, refreshToken] = [...spy.secrets];
    expect(refreshToken).toBeDefined();
    // Not vacuous: the server did echo the refresh token (refreshes) and the password (the login).
    expect(echoed.some((text) => text.includes(refreshToken!))).toBe(true);
    expect(echoed.some((text) => text.includes(PASSWORD))).toBe(true);
    expectNoSecret(exposure, [...spy.secrets, PASSWORD]);
  });

  it('2FA: neither the private key nor the signed assertion appears anywhere, even when the assertion is refused', async () => {
    const keys = rsaKeyPair();
    const registered = rsaKeyPair();
    const { logs, client } = await harnessWithCanaries().then(async (canaries) => {
      const twoFactor = await startHarness({
        users: [{ username: 'alice', password: PASSWORD, assertion: { publicKey: registered.publicKey, subject: 'Co' } }],
      });
      return { logs: canaries.logs, client: twoFactor.client };
    });
    const exposure: Exposure = { errors: [], payloads: [], statuses: [], lines: logs.lines };
    const pem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const auth = client({ username: 'alice', password: PASSWORD, logger: logs.logger, assertion: { privateKey: pem, subject: 'Co' } });
    observe(auth, exposure);
    await capture(exposure, auth, () => auth.getAccessToken());
    expect((exposure.errors[0] as ApiaxAuthError).code).toBe('assertion_rejected');
    const keyBody = pem.split('\n').slice(1, -2).join('');
    expectNoSecret(exposure, [PASSWORD, keyBody.slice(0, 64), keyBody.slice(200, 264), ...pem.split('\n').slice(2, 6)]);
    expect(renderings(auth).join('\n')).not.toContain(keyBody.slice(0, 64));
  });

  it('the client object itself does not show secrets when inspected or serialized', async () => {
    const { make, spy } = await harnessWithCanaries();
    const auth = make();
    await auth.getAccessToken();
    for (const text of renderings(auth)) {
      expect(text).not.toContain(PASSWORD);
      for (const secret of spy.secrets) expect(text).not.toContain(secret);
    }
  });
});
