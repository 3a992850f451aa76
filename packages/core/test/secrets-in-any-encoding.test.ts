import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ApiaxAuth } from '../src/index.js';
import { captureLogger, rsaKeyPair } from './support/harness.js';
import { hostileClient, json, startHostileServer, type HostileScript } from './support/hostile-server.js';

// Issue 13 item 1: special characters, so that every encoding differs from the raw text.
const PASSWORD = 'CANARY-pw!@#$ &+/x';
const SHORT_PASSWORD = 'p&w';
const API_KEY = 'CANARY-key+/= &k';
const REFRESH_TOKEN = 'CANARY-rt+/= &"r';

/** Every shape a secret takes in a form, a JSON body, an HTML page or a base64 blob. */
function encodingsOf(secret: string): string[] {
  const bytes = Buffer.from(secret);
  return [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    encodeURIComponent(secret).replace(/%20/g, '+'),
    JSON.stringify(secret).slice(1, -1),
    bytes.toString('base64'),
    bytes.toString('base64url'),
  ];
}

/** Everything a client exposed: errors (with their cause chains), events, status, log lines. */
function surfaces(auth: ApiaxAuth, thrown: unknown[], events: unknown[], lines: string[]): string[] {
  const texts = [...lines, JSON.stringify(auth.status()), inspect(auth.status(), { depth: 10 })];
  for (const value of [...thrown, ...events]) {
    texts.push(inspect(value, { depth: 10, showHidden: true }), JSON.stringify(value) ?? '', String(value));
    let cause = (value as { cause?: unknown }).cause;
    while (cause !== undefined && cause !== null) {
      texts.push(inspect(cause, { depth: 10, showHidden: true }), JSON.stringify(cause) ?? '', String((cause as Error).message));
      cause = (cause as { cause?: unknown }).cause;
    }
  }
  return texts;
}

function expectNoEncodingOf(texts: string[], secrets: string[]): void {
  for (const text of texts) {
    const rest = text.split('[redacted]').join('\u0000');
    for (const secret of secrets) {
      for (const encoded of encodingsOf(secret))
        expect(rest.includes(encoded), `${JSON.stringify(encoded)} leaked into: ${text.slice(0, 400)}`).toBe(false);
    }
  }
}

async function exercise(auth: ApiaxAuth, lines: string[], run: () => Promise<unknown> = () => auth.getAccessToken()): Promise<string[]> {
  const thrown: unknown[] = [];
  const events: unknown[] = [];
  auth.on('error', (error) => events.push(error));
  auth.on('retry', (event) => events.push(event));
  await run().catch((error: unknown) => thrown.push(error));
  expect(thrown.length + events.length).toBeGreaterThan(0);
  return surfaces(auth, thrown, events, lines);
}

/** Echoes the request form back in `error_description`, raw and re-encoded, as a buggy proxy would. */
function echoForm(status: number, error: string): HostileScript {
  return (request, response) => {
    const description = `bad request ${request.body} json=${JSON.stringify(Object.fromEntries(request.form))} b64=${Buffer.from(request.body).toString('base64')} b64pw=${Buffer.from(request.form.get('password') ?? request.form.get('refresh_token') ?? '').toString('base64url')}`;
    void json(status, { error, error_description: description })(request, response);
  };
}

describe('no form of a secret reaches any surface (issue 13 item 1)', () => {
  it.each([
    [400, 'invalid_request', PASSWORD],
    [401, 'invalid_grant', PASSWORD],
    [500, 'unknown_error', PASSWORD],
    [400, 'invalid_request', SHORT_PASSWORD],
  ])('a token endpoint echoing the login form (HTTP %i %s) leaks no encoding of the password %j', async (status, error, password) => {
    const server = await startHostileServer(echoForm(status, error));
    const { logger, lines } = captureLogger();
    const auth = hostileClient(server, { password, apiKey: API_KEY, logger, maxRetries: 1 });
    const texts = await exercise(auth, lines);
    // Not vacuous: the server did quote the password, form-encoded.
    expect(server.requests[0]!.body).toContain(new URLSearchParams({ password }).toString());
    expectNoEncodingOf(texts, [password, API_KEY]);
  });

  it('a refresh answered with an echo of its form leaks neither the refresh token nor the access token', async () => {
    const accessToken = `CANARY-at+/= &${'a'.repeat(20)}`;
    const server = await startHostileServer(
      json(200, { access_token: accessToken, token_type: 'bearer', expires_in: 60, refresh_token: REFRESH_TOKEN, refresh_expires_in: 600 }),
    );
    let now = Date.UTC(2026, 0, 1);
    const { logger, lines } = captureLogger();
    const auth = hostileClient(server, { password: PASSWORD, logger, maxRetries: 1, now: () => now });
    expect(await auth.getAccessToken()).toBe(accessToken);
    server.script((request, response) => {
      const description = `${request.body} token=${accessToken} b64=${Buffer.from(accessToken).toString('base64')} ${Buffer.from(`x${REFRESH_TOKEN}`).toString('base64')}`;
      void json(500, { error: 'unknown_error', error_description: description })(request, response);
    });
    now += 60_000;
    const texts = await exercise(auth, lines);
    expect(server.requests.at(-1)!.form.get('grant_type')).toBe('refresh_token');
    expectNoEncodingOf(texts, [PASSWORD, REFRESH_TOKEN, accessToken]);
  });

  it('2FA: a server echoing the signed client assertion (raw and base64) leaks no form of it', async () => {
    const server = await startHostileServer(echoForm(400, 'invalid_client'));
    const { privateKey } = rsaKeyPair();
    const { logger, lines } = captureLogger();
    const auth = hostileClient(server, { password: PASSWORD, logger, maxRetries: 0, assertion: { privateKey, subject: 'Co' } });
    const texts = await exercise(auth, lines);
    const assertion = server.requests[0]!.form.get('client_assertion')!;
    expect(assertion.split('.')).toHaveLength(3);
    expectNoEncodingOf(texts, [PASSWORD, assertion]);
  });

  it('a custom fetch whose error quotes the request body (and the API key) leaks nothing through cause', async () => {
    const server = await startHostileServer(json(500, {}));
    const { logger, lines } = captureLogger();
    const quotingFetch: typeof fetch = async (input, init) => {
      const body = String(init?.body);
      const inner = Object.assign(
        new Error(`connect failed while sending ${body} apikey=${API_KEY} ${Buffer.from(body).toString('base64')}`),
        {
          code: 'ECONNRESET',
          body,
        },
      );
      throw Object.assign(new TypeError(`fetch failed: ${body}`, { cause: inner }), { request: { input: String(input), body } });
    };
    const auth = hostileClient(server, { password: PASSWORD, apiKey: API_KEY, fetch: quotingFetch, logger, maxRetries: 1 });
    const texts = await exercise(auth, lines);
    expect(texts.join('\n')).toContain('ECONNRESET');
    expectNoEncodingOf(texts, [PASSWORD, API_KEY]);
  });
});
