import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuthenticatedFetch, type AuthenticatedFetch } from '../src/fetch.js';
import { ApiaxAuthError } from '../src/errors.js';
import {
  answerOk,
  CountingTokenSource,
  json,
  redirect,
  startRecordingServer,
  type RecordedRequest,
  type RecordingServer,
} from './support/fetch-servers.js';

const API_KEY = 'canary-api-key';

let api: RecordingServer; // the allowed API origin
let mirror: RecordingServer; // a second allowed origin
let foreign: RecordingServer; // not allowed: it records what would leak
let tokens: CountingTokenSource;

beforeAll(async () => {
  [api, mirror, foreign] = await Promise.all([startRecordingServer(), startRecordingServer(), startRecordingServer()]);
});

afterAll(async () => {
  await Promise.all([api.close(), mirror.close(), foreign.close()]);
});

beforeEach(() => {
  for (const server of [api, mirror, foreign]) {
    server.requests.length = 0;
    server.handler = answerOk;
  }
  tokens = new CountingTokenSource();
});

interface Setup {
  apiBaseUrl?: string;
  apiKey?: string | undefined;
  allowedOrigins?: string[];
  closed?: () => boolean;
}

function createFetch(setup: Setup = {}): AuthenticatedFetch {
  return createAuthenticatedFetch({
    fetch: globalThis.fetch,
    apiBaseUrl: new URL(setup.apiBaseUrl ?? api.origin),
    allowedOrigins: new Set(setup.allowedOrigins ?? [api.origin, mirror.origin]),
    apiKey: 'apiKey' in setup ? setup.apiKey : API_KEY,
    getAccessToken: () => tokens.getAccessToken(),
    renewAfterUnauthorized: (rejected) => tokens.renewAfterUnauthorized(rejected),
    assertOpen: () => {
      if (setup.closed?.()) throw new ApiaxAuthError('closed', 'The Apiax client is closed.');
    },
  });
}

/** The API accepts only the given token number; anything else gets the resource server's 401. */
function acceptOnlyToken(n: number) {
  return (request: RecordedRequest, response: Parameters<typeof answerOk>[1]) => {
    if (request.headers.authorization === `Bearer ${tokens.token(n)}`) json(response, 200, { ok: true, body: request.body });
    else json(response, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
  };
}

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

describe('URL resolution', () => {
  it('resolves a relative path against apiBaseUrl and sends the token there', async () => {
    const response = await createFetch()('/api/v3/rules/eval', { method: 'POST', body: '{}' });
    expect(response.status).toBe(200);
    const received = only(api.requests);
    expect(received).toMatchObject({ method: 'POST', path: '/api/v3/rules/eval', body: '{}' });
    expect(received.headers.authorization).toBe(`Bearer ${tokens.token(1)}`);
  });

  it.each([
    ['/gateway', '/api/v3/rules/eval'],
    ['/gateway', 'api/v3/rules/eval'],
    ['/gateway/', '/api/v3/rules/eval'],
    ['/gateway/', 'api/v3/rules/eval'],
  ])('keeps the base path %s as a prefix of %s', async (basePath, input) => {
    await createFetch({ apiBaseUrl: api.origin + basePath })(`${input}?debug=1`);
    expect(only(api.requests).path).toBe('/gateway/api/v3/rules/eval?debug=1');
  });

  it('accepts an absolute URL string, a URL object and a Request', async () => {
    const authFetch = createFetch();
    await authFetch(api.url('/as-string'));
    await authFetch(new URL('/as-url', api.origin));
    await authFetch(new Request(api.url('/as-request'), { method: 'PUT', body: 'payload', headers: { 'x-caller': 'kept' } }));
    expect(api.requests.map((r) => r.path)).toEqual(['/as-string', '/as-url', '/as-request']);
    const fromRequest = api.requests[2]!;
    expect(fromRequest).toMatchObject({ method: 'PUT', body: 'payload' });
    expect(fromRequest.headers['x-caller']).toBe('kept');
    expect(fromRequest.headers['content-length']).toBe('7');
    for (const received of api.requests) expect(received.headers.authorization).toBe(`Bearer ${tokens.token(1)}`);
  });

  it("lets a Request's init override it, as fetch does", async () => {
    const request = new Request(api.url('/x'), { method: 'POST', body: 'original', headers: { 'x-from': 'request' } });
    await createFetch()(request, { headers: { 'x-from': 'init' }, body: 'override' });
    const received = only(api.requests);
    expect(received.headers['x-from']).toBe('init');
    expect(received.body).toBe('override');
  });
});

describe('headers', () => {
  it("adds Authorization and Apikey, keeps the caller's other headers and replaces the caller's Authorization", async () => {
    await createFetch()('/x', { headers: { authorization: 'Basic c3RhbGU=', 'x-correlation-id': 'abc', accept: 'application/json' } });
    const { headers } = only(api.requests);
    expect(headers.authorization).toBe(`Bearer ${tokens.token(1)}`);
    expect(headers.apikey).toBe(API_KEY);
    expect(headers['x-correlation-id']).toBe('abc');
    expect(headers.accept).toBe('application/json');
  });

  it.each([
    ['a Headers instance', new Headers({ 'x-caller': 'kept' })],
    ['an array of pairs', [['x-caller', 'kept']] as [string, string][]],
    ['a record', { 'x-caller': 'kept' }],
  ])('takes caller headers given as %s', async (_name, headers) => {
    await createFetch()('/x', { headers });
    expect(only(api.requests).headers['x-caller']).toBe('kept');
  });

  it("keeps a caller's own Apikey (one per rule subscription)", async () => {
    await createFetch()('/x', { headers: { Apikey: 'other-subscription' } });
    expect(only(api.requests).headers.apikey).toBe('other-subscription');
  });

  it('sends no Apikey when none is configured', async () => {
    await createFetch({ apiKey: undefined })('/x');
    const { headers } = only(api.requests);
    expect(headers).not.toHaveProperty('apikey');
    expect(headers.authorization).toBe(`Bearer ${tokens.token(1)}`);
  });

  it('labels a string body JSON unless the caller chose a content type', async () => {
    const authFetch = createFetch();
    await authFetch('/json', { method: 'POST', body: '{"a":1}' });
    await authFetch('/text', { method: 'POST', body: 'plain', headers: { 'content-type': 'text/plain' } });
    await authFetch('/form', { method: 'POST', body: new URLSearchParams({ a: '1' }) });
    expect(api.requests.map((r) => r.headers['content-type'])).toEqual([
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded;charset=UTF-8',
    ]);
  });

  it('does not modify the init or the headers object the caller passed', async () => {
    const headers = new Headers({ 'x-caller': 'kept' });
    const init: RequestInit = { method: 'POST', body: '{}', headers };
    await createFetch()('/x', init);
    expect([...headers.keys()]).toEqual(['x-caller']);
    expect(init).toEqual({ method: 'POST', body: '{}', headers });
  });
});

describe('allowed origins', () => {
  it.each([
    ['an absolute URL', () => foreign.url('/steal')],
    ['a URL object', () => new URL('/steal', foreign.origin)],
    ['a scheme-relative URL', () => `//${new URL(foreign.origin).host}/steal`],
    ['a Request', () => new Request(foreign.url('/steal'), { method: 'POST', body: 'x' })],
  ])('refuses %s to a foreign origin before fetching a token or sending anything', async (_name, input) => {
    const error = await createFetch()(input()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiaxAuthError);
    expect(error).toMatchObject({ code: 'origin_not_allowed', retryable: false });
    expect((error as Error).message).toContain(foreign.origin);
    expect(tokens.getCalls).toEqual([]);
    expect(foreign.requests).toEqual([]);
  });

  it('treats another scheme or port on the same host as another origin', async () => {
    const authFetch = createFetch();
    const httpsTwin = api.origin.replace('http:', 'https:');
    await expect(authFetch(`${httpsTwin}/x`)).rejects.toMatchObject({ code: 'origin_not_allowed' });
    await expect(authFetch('file:///etc/passwd')).rejects.toMatchObject({
      code: 'origin_not_allowed',
      message: expect.stringContaining('file:'),
    });
    expect(tokens.getCalls).toEqual([]);
  });

  it('sends to every allowed origin, and to none of them when allowedOrigins excludes the API base', async () => {
    await createFetch()(mirror.url('/x'));
    expect(only(mirror.requests).headers.authorization).toBe(`Bearer ${tokens.token(1)}`);
    await expect(createFetch({ allowedOrigins: [mirror.origin] })('/x')).rejects.toMatchObject({ code: 'origin_not_allowed' });
    expect(api.requests).toEqual([]);
  });

  it('fails with closed after close, before anything else', async () => {
    let closed = false;
    const authFetch = createFetch({ closed: () => closed });
    closed = true;
    await expect(authFetch('/x')).rejects.toMatchObject({ code: 'closed' });
    await expect(authFetch(foreign.url('/x'))).rejects.toMatchObject({ code: 'closed' });
    expect(tokens.getCalls).toEqual([]);
    expect(api.requests).toEqual([]);
  });
});

describe('redirects', () => {
  it('follows a redirect to a foreign origin without the token, the API key or cookies', async () => {
    api.handler = (_request, response) => redirect(response, 302, foreign.url('/landing'));
    foreign.handler = (_request, response) => json(response, 200, { from: 'foreign' });
    const response = await createFetch()('/x', { headers: { cookie: 'session=1', 'x-correlation-id': 'abc' } });
    expect(await response.json()).toEqual({ from: 'foreign' });
    expect(response.url).toBe(foreign.url('/landing'));
    expect(only(api.requests).headers.apikey).toBe(API_KEY);
    const { headers } = only(foreign.requests);
    expect(headers).not.toHaveProperty('authorization');
    expect(headers).not.toHaveProperty('apikey');
    expect(headers).not.toHaveProperty('cookie');
    expect(headers['x-correlation-id']).toBe('abc');
  });

  it('keeps method, body and credentials on a 307 to another allowed origin', async () => {
    api.handler = (_request, response) => redirect(response, 307, mirror.url('/moved'));
    const response = await createFetch()('/x', { method: 'POST', body: '{"q":1}' });
    expect(response.status).toBe(200);
    expect(only(mirror.requests)).toMatchObject({
      method: 'POST',
      path: '/moved',
      body: '{"q":1}',
      headers: { authorization: `Bearer ${tokens.token(1)}`, apikey: API_KEY, 'content-type': 'application/json' },
    });
  });

  it("keeps the caller's Apikey but, as fetch does, not its cookies on a hop to another allowed origin", async () => {
    api.handler = (_request, response) => redirect(response, 302, mirror.url('/moved'));
    await createFetch()('/x', { headers: { apikey: 'other-subscription', cookie: 'session=1' } });
    const { headers } = only(mirror.requests);
    expect(headers.apikey).toBe('other-subscription');
    expect(headers.authorization).toBe(`Bearer ${tokens.token(1)}`);
    expect(headers).not.toHaveProperty('cookie');
  });

  it('keeps method and body but drops the credentials on a 308 to a foreign origin', async () => {
    api.handler = (_request, response) => redirect(response, 308, foreign.url('/moved'));
    await createFetch()('/x', { method: 'PUT', body: 'data', headers: { 'content-type': 'text/plain' } });
    const received = only(foreign.requests);
    expect(received).toMatchObject({ method: 'PUT', body: 'data', headers: { 'content-type': 'text/plain' } });
    expect(received.headers).not.toHaveProperty('authorization');
    expect(received.headers).not.toHaveProperty('apikey');
  });

  it.each([
    [303, 'POST', 'GET'],
    [303, 'PUT', 'GET'],
    [302, 'POST', 'GET'],
    [301, 'POST', 'GET'],
    [302, 'PUT', 'PUT'],
    [303, 'HEAD', 'HEAD'],
  ])('on a %i turns %s into %s, as the Fetch standard says', async (status, method, expected) => {
    api.handler = (request, response) => {
      if (request.path === '/start') redirect(response, status, '/next');
      else json(response, 200, {});
    };
    await createFetch()('/start', { method, ...(method === 'HEAD' ? {} : { body: '{"q":1}' }) });
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`${method} /start`, `${expected} /next`]);
    const next = api.requests[1]!;
    expect(next.headers.authorization).toBe(`Bearer ${tokens.token(1)}`);
    if (expected === 'GET') {
      expect(next.body).toBe('');
      expect(next.headers).not.toHaveProperty('content-type');
    } else if (expected !== 'HEAD') {
      expect(next.body).toBe('{"q":1}');
    }
  });

  it('never gives the token back once the chain has left the allowed origins', async () => {
    api.handler = (request, response) => {
      if (request.path === '/start') redirect(response, 302, foreign.url('/bounce'));
      else json(response, 200, { back: true });
    };
    foreign.handler = (_request, response) => redirect(response, 302, api.url('/admin/delete-everything'));
    const response = await createFetch()('/start');
    expect(await response.json()).toEqual({ back: true });
    const bounced = api.requests[1]!;
    expect(bounced.path).toBe('/admin/delete-everything');
    expect(bounced.headers).not.toHaveProperty('authorization');
    expect(bounced.headers).not.toHaveProperty('apikey');
  });

  it('follows 20 redirects and fails on the 21st, as fetch does', async () => {
    api.handler = (request, response) => {
      const hop = Number(new URL(request.path, api.origin).searchParams.get('hop'));
      redirect(response, 302, `/loop?hop=${hop + 1}`);
    };
    const error = await createFetch()('/loop?hop=0').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).cause).toMatchObject({ message: 'redirect count exceeded' });
    expect(api.requests).toHaveLength(21);

    api.requests.length = 0;
    api.handler = (request, response) => {
      const hop = Number(new URL(request.path, api.origin).searchParams.get('hop'));
      if (hop < 20) redirect(response, 302, `/loop?hop=${hop + 1}`);
      else json(response, 200, { hop });
    };
    const response = await createFetch()('/loop?hop=0');
    expect(await response.json()).toEqual({ hop: 20 });
  });

  it("honours the caller's redirect: 'manual' and 'error'", async () => {
    api.handler = (_request, response) => redirect(response, 302, foreign.url('/landing'));
    const authFetch = createFetch();
    const manual = await authFetch('/x', { redirect: 'manual' });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe(foreign.url('/landing'));
    const error = await authFetch('/x', { redirect: 'error' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).cause).toMatchObject({ message: 'unexpected redirect' });
    const viaRequest = await authFetch(new Request(api.url('/x'), { redirect: 'manual' }));
    expect(viaRequest.status).toBe(302);
    expect(foreign.requests).toEqual([]);
    expect(api.requests).toHaveLength(3);
  });

  it('returns a redirect without Location as is', async () => {
    api.handler = (_request, response) => response.writeHead(302).end('nowhere');
    const response = await createFetch()('/x');
    expect(response.status).toBe(302);
    expect(await response.text()).toBe('nowhere');
  });

  it('cannot follow a 307 with a stream body that is already sent', async () => {
    api.handler = (_request, response) => redirect(response, 307, mirror.url('/moved'));
    const error = await createFetch()('/x', { method: 'POST', body: streamOf('streamed'), duplex: 'half' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(only(api.requests).body).toBe('streamed');
    expect(mirror.requests).toEqual([]);
  });

  it("sends a Request's body again to a 307 target", async () => {
    api.handler = (_request, response) => redirect(response, 307, mirror.url('/moved'));
    await createFetch()(new Request(api.url('/x'), { method: 'POST', body: 'request-body' }));
    expect(only(mirror.requests)).toMatchObject({ method: 'POST', body: 'request-body' });
  });

  it('refuses a redirect to a non-HTTP scheme', async () => {
    api.handler = (_request, response) => redirect(response, 302, 'file:///etc/passwd');
    const error = await createFetch()('/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).cause).toMatchObject({ message: expect.stringContaining('HTTP(S)') });
  });
});

describe('401 and replay', () => {
  const replayableBodies: [string, () => RequestInit['body']][] = [
    ['a string', () => '{"q":"string"}'],
    ['a Uint8Array', () => new TextEncoder().encode('bytes')],
    ['an ArrayBuffer', () => new TextEncoder().encode('buffer').buffer],
    ['URLSearchParams', () => new URLSearchParams({ q: 'params' })],
    ['a Blob', () => new Blob(['blob'], { type: 'text/plain' })],
    ['FormData', () => formDataOf('field', 'form-value')],
  ];

  it.each(replayableBodies)('replays %s once with the renewed token', async (_name, makeBody) => {
    api.handler = acceptOnlyToken(2);
    const response = await createFetch()('/api/v3/rules/eval', { method: 'POST', body: makeBody() });
    expect(response.status).toBe(200);
    expect(tokens.renewCalls).toEqual([tokens.token(1)]);
    expect(api.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${tokens.token(1)}`, `Bearer ${tokens.token(2)}`]);
    const [first, replay] = api.requests as [RecordedRequest, RecordedRequest];
    expect(replay.body.length).toBeGreaterThan(0);
    expect(replay.headers.apikey).toBe(API_KEY);
    if (first.headers['content-type']?.startsWith('multipart/form-data')) {
      expect(replay.body).toContain('form-value'); // a new boundary per serialization
    } else {
      expect(replay.body).toBe(first.body);
      expect(replay.headers['content-type']).toBe(first.headers['content-type']);
    }
  });

  it('replays a bodiless GET', async () => {
    api.handler = acceptOnlyToken(2);
    const response = await createFetch()('/x');
    expect(await response.json()).toEqual({ ok: true, body: '' });
    expect(api.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
  });

  it("replays a Request's body, cloned before the first send", async () => {
    api.handler = acceptOnlyToken(2);
    const response = await createFetch()(
      new Request(api.url('/x'), { method: 'POST', body: 'request-body', headers: { 'x-caller': 'kept' } }),
    );
    expect(await response.json()).toEqual({ ok: true, body: 'request-body' });
    expect(api.requests.map((r) => [r.body, r.headers['x-caller'], r.headers['content-length']])).toEqual([
      ['request-body', 'kept', '12'],
      ['request-body', 'kept', '12'],
    ]);
  });

  it('returns the 401 of a stream body as is, once, and still renews for the next call', async () => {
    api.handler = acceptOnlyToken(2);
    const authFetch = createFetch();
    const response = await authFetch('/x', { method: 'POST', body: streamOf('streamed'), duplex: 'half' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await response.json()).toEqual({ error: 'invalid_token' });
    expect(only(api.requests).body).toBe('streamed');
    expect(tokens.renewCalls).toEqual([tokens.token(1)]);

    expect((await authFetch('/x')).status).toBe(200);
    expect(api.requests[1]!.headers.authorization).toBe(`Bearer ${tokens.token(2)}`);
  });

  it('returns a second 401 as is: one renewal, one replay, no loop', async () => {
    api.handler = acceptOnlyToken(99);
    const response = await createFetch()('/x', { method: 'POST', body: '{}' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'invalid_token' });
    expect(api.requests).toHaveLength(2);
    expect(tokens.renewCalls).toEqual([tokens.token(1)]);
  });

  it('does not renew on other statuses', async () => {
    api.handler = (_request, response) => json(response, 403, { error: 'forbidden' });
    expect((await createFetch()('/x')).status).toBe(403);
    expect(tokens.renewCalls).toEqual([]);
    expect(api.requests).toHaveLength(1);
  });

  it('does not blame the token for a 401 from a foreign origin it was never sent to', async () => {
    api.handler = (_request, response) => redirect(response, 302, foreign.url('/login'));
    foreign.handler = (_request, response) => json(response, 401, { error: 'who are you' });
    expect((await createFetch()('/x')).status).toBe(401);
    expect(tokens.renewCalls).toEqual([]);
    expect(foreign.requests).toHaveLength(1);
  });

  it('replays the whole redirect chain with the renewed token', async () => {
    api.handler = (request, response) => {
      if (request.path === '/start') redirect(response, 307, '/target');
      else acceptOnlyToken(2)(request, response);
    };
    const response = await createFetch()('/start', { method: 'POST', body: '{"q":1}' });
    expect(response.status).toBe(200);
    expect(api.requests.map((r) => `${r.path} ${r.headers.authorization} ${r.body}`)).toEqual([
      `/start Bearer ${tokens.token(1)} {"q":1}`,
      `/target Bearer ${tokens.token(1)} {"q":1}`,
      `/start Bearer ${tokens.token(2)} {"q":1}`,
      `/target Bearer ${tokens.token(2)} {"q":1}`,
    ]);
  });

  it('rejects with the renewal error when no newer token can be had', async () => {
    api.handler = acceptOnlyToken(2);
    tokens.renewalError = new ApiaxAuthError('invalid_credentials', 'Apiax refused the username or password.');
    await expect(createFetch()('/x', { method: 'POST', body: '{}' })).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(api.requests).toHaveLength(1);
  });

  it('reports each concurrent 401 with the token it actually sent', async () => {
    api.handler = acceptOnlyToken(2);
    const authFetch = createFetch();
    const responses = await Promise.all(Array.from({ length: 25 }, (_, i) => authFetch(`/x?i=${i}`, { method: 'POST', body: `${i}` })));
    expect(responses.map((r) => r.status)).toEqual(Array(25).fill(200));
    expect(tokens.renewCalls).toEqual(Array(25).fill(tokens.token(1)));
    expect(tokens.current).toBe(2);
  });
});

describe('errors', () => {
  it('lets a network error through untouched and without the token', async () => {
    const dead = await startRecordingServer();
    await dead.close();
    const error = await createFetch({ apiBaseUrl: dead.origin, allowedOrigins: [dead.origin] })('/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(ApiaxAuthError);
    expect(describeError(error)).not.toContain(tokens.prefix);
    expect(describeError(error)).not.toContain(API_KEY);
  });

  it('refuses a token an HTTP header cannot carry, without quoting it', async () => {
    tokens = new CountingTokenSource('canary-access-token\nInjected: yes');
    const error = await createFetch()('/x').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_response' });
    expect(describeError(error)).not.toContain('canary-access-token');
    expect(api.requests).toEqual([]);
  });

  it('passes the abort signal through', async () => {
    api.handler = () => undefined; // never answers
    const controller = new AbortController();
    const pending = createFetch()('/slow', { signal: controller.signal });
    await waitFor(() => api.requests.length === 1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('keeps the origin in the origin error and secrets out of it', async () => {
    const error = await createFetch()(`${foreign.url('/x')}?token=${tokens.token(1)}`).catch((e: unknown) => e);
    expect(describeError(error)).toContain(foreign.origin);
    expect(describeError(error)).not.toContain(tokens.prefix);
  });
});

function streamOf(text: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });
}

function formDataOf(name: string, value: string): FormData {
  const form = new FormData();
  form.set(name, value);
  return form;
}

/** Everything a log line could show of an error. */
function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    parts.push(String(current), current.stack ?? '', JSON.stringify(current));
  }
  return parts.join('\n');
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
