import { ApiaxAuthError } from './errors.js';

/** What the authenticated fetch needs from the client; the engine implements it. */
export interface AuthenticatedFetchContext {
  /** The underlying fetch, for the API (the `fetch` option). */
  fetch: typeof globalThis.fetch;
  /** Relative URLs resolve under it; its path is a prefix (`/x` under `https://h/v1` is `https://h/v1/x`). */
  apiBaseUrl: URL;
  /** Serialized origins (`https://x.io`) that may receive the token and the API key. */
  allowedOrigins: ReadonlySet<string>;
  /** Sent as `Apikey` to allowed origins when set (options.ts checked that a header can carry it). */
  apiKey: string | undefined;
  /** A valid access token (waits for a grant when needed). */
  getAccessToken(): Promise<string>;
  /** The API answered 401 to `rejectedToken`: returns a newer token (one shared forced refresh per rejected token). */
  renewAfterUnauthorized(rejectedToken: string): Promise<string>;
  /** Throws `ApiaxAuthError('closed')` once the client is closed. */
  assertOpen(): void;
}

/** The signature of `auth.fetch`: the platform's `fetch`, restricted to the allowed origins. */
export type AuthenticatedFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What the platform's fetch allows before failing with "redirect count exceeded". */
const MAX_REDIRECTS = 20;

/** What the platform's fetch drops on a redirect to another origin, whichever it is. */
const CROSS_ORIGIN_STRIPPED_HEADERS = ['proxy-authorization', 'cookie', 'host'] as const;

/**
 * What only the allowed origins may see. The platform's fetch would drop `Authorization` on a cross-origin
 * redirect but keep `Apikey`, which is as much a secret as the token.
 */
const CREDENTIAL_HEADERS = ['authorization', 'apikey'] as const;

/** Headers that describe a body: dropped with it when a redirect turns the request into a GET (Fetch standard). */
const BODY_HEADERS = ['content-encoding', 'content-language', 'content-location', 'content-type', 'content-length'] as const;

/** A request, normalized once so that every hop and the replay after a 401 can be sent from it. */
interface PreparedRequest {
  readonly url: URL;
  /** As fetch normalizes it: redirects compare it to `POST`, `GET`, `HEAD`. */
  readonly method: string;
  readonly redirect: NonNullable<RequestInit['redirect']>;
  /** True when the body can be sent again (to a 307/308 target, or after a 401). */
  readonly replayable: boolean;
  /** A URL input's init (`undefined` for a `Request` input). */
  readonly init: RequestInit | undefined;
  /** A `Request` input, merged with its init; never sent itself, only its clones. */
  readonly source: Request | undefined;
}

/** One attempt's outcome: its last response, and whether the hop that produced it carried the token. */
interface Attempt {
  response: Response;
  tokenSent: boolean;
}

/**
 * Creates `auth.fetch`: the platform's fetch with the Apiax token, confined to the allowed origins.
 *
 * - Relative URLs resolve under `apiBaseUrl`; an origin outside `allowedOrigins` is refused before any token is
 *   fetched or anything is sent.
 * - `Authorization: Bearer …` replaces the caller's own; `Apikey` is added unless the caller set one; a string
 *   body without `Content-Type` is labelled `application/json` (the Apiax API speaks only JSON).
 * - Redirects are followed here, not by the platform, so the token and the API key never reach an origin
 *   outside `allowedOrigins` (and never come back once the chain left them). The caller's `redirect` mode,
 *   the 20-hop cap and the Fetch standard's method/body rules hold. The final response has `url` of the last
 *   hop; its `redirected` flag is false.
 * - A 401 from an allowed origin asks the client for a newer token and replays the request once when its body
 *   can be sent again (none, string, buffer, `URLSearchParams`, `Blob`, `FormData`, a `Request`'s body);
 *   otherwise, or on a second 401, the 401 is returned.
 * - Network errors of the underlying fetch propagate unchanged: they are not authentication errors.
 */
export function createAuthenticatedFetch(context: AuthenticatedFetchContext): AuthenticatedFetch {
  const { fetch: send, allowedOrigins, apiKey } = context;
  const resolveRelative = createRelativeUrlResolver(context.apiBaseUrl);

  function resolve(input: string | URL): URL {
    if (typeof input !== 'string') return input instanceof URL ? input : new URL(String(input));
    if (ABSOLUTE_URL.test(input)) return new URL(input);
    // Scheme-relative: it names a host, so it resolves as the platform would and the origin check decides.
    if (input.startsWith('//')) return new URL(input, context.apiBaseUrl);
    return resolveRelative(input);
  }

  function assertAllowed(url: URL): void {
    if (allowedOrigins.has(url.origin)) return;
    const origin = url.origin === 'null' ? `a ${url.protocol} URL` : url.origin;
    throw new ApiaxAuthError('origin_not_allowed', `Refusing to send the Apiax token to ${origin}: it is not in allowedOrigins.`);
  }

  function setAuthHeaders(headers: Headers, token: string): void {
    try {
      headers.set('authorization', `Bearer ${token}`);
    } catch {
      // The platform's error would quote the header value, that is the token.
      throw new ApiaxAuthError('invalid_response', 'The access token contains characters an HTTP header cannot carry.');
    }
    if (apiKey !== undefined && !headers.has('apikey')) headers.set('apikey', apiKey);
  }

  async function sendFollowingRedirects(request: PreparedRequest, token: string): Promise<Attempt> {
    let url = request.url;
    let method = request.method;
    let withBody = true;
    let tokenSent = true;
    const headers = callerHeaders(request);
    setAuthHeaders(headers, token);
    for (let hop = 0; ; hop++) {
      const response = await sendHop(send, request, url, method, headers, withBody, hop === 0);
      if (request.redirect === 'manual' || !isRedirect(response.status)) return { response, tokenSent };
      const location = response.headers.get('location');
      if (location === null) return { response, tokenSent };
      await discard(response);
      if (request.redirect === 'error') throw fetchFailed('unexpected redirect');
      if (hop === MAX_REDIRECTS) throw fetchFailed('redirect count exceeded');
      const next = parseLocation(location, url);

      if (changesToGet(response.status, method)) {
        method = 'GET';
        withBody = false;
        for (const name of BODY_HEADERS) headers.delete(name);
      } else if (withBody && !request.replayable) {
        throw fetchFailed('a 307/308 redirect needs the body again, but it was a stream and is already sent');
      }

      if (next.origin !== url.origin) {
        for (const name of CROSS_ORIGIN_STRIPPED_HEADERS) headers.delete(name);
        // Once the chain has left the allowed origins, a way back is the foreign server's choice, not the caller's.
        tokenSent = tokenSent && allowedOrigins.has(next.origin);
        if (!tokenSent) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
      }
      url = next;
    }
  }

  return async function authenticatedFetch(input, init) {
    context.assertOpen();
    const request = input instanceof Request ? prepareRequestInput(input, init) : prepareUrlInput(resolve(input), init);
    assertAllowed(request.url);

    const token = await context.getAccessToken();
    const first = await sendFollowingRedirects(request, token);
    if (first.response.status !== 401 || !first.tokenSent) return first.response;

    if (!request.replayable) {
      // The body is gone, so the 401 is the answer; still renew, so that the caller's retry gets a working token.
      // A failed renewal is the client's to report (status(), 'error') and resurfaces on the next call.
      await context.renewAfterUnauthorized(token).catch(() => undefined);
      return first.response;
    }
    await discard(first.response);
    const renewed = await context.renewAfterUnauthorized(token);
    return (await sendFollowingRedirects(request, renewed)).response;
  };
}

/** A URL with a scheme (WHATWG: a letter, then letters, digits, `+`, `-`, `.`, then `:`). */
const ABSOLUTE_URL = /^[a-z][a-z\d+\-.]*:/i;

/**
 * Resolves relative references under the base's path, as axios' `baseURL` and ky's `prefixUrl` do:
 * `new URL('/api/v3/x', 'https://h/gateway')` would drop `/gateway`.
 */
function createRelativeUrlResolver(apiBaseUrl: URL): (relative: string) => URL {
  const prefix = `${apiBaseUrl.protocol}//${apiBaseUrl.host}${apiBaseUrl.pathname.replace(/\/+$/, '')}`;
  return (relative) => new URL(relative.startsWith('/') ? prefix + relative : `${prefix}/${relative}`);
}

function prepareUrlInput(url: URL, init: RequestInit | undefined): PreparedRequest {
  return {
    url,
    method: normalizeMethod(init?.method ?? 'GET'),
    redirect: init?.redirect ?? 'follow',
    replayable: isReplayableBody(init?.body),
    init,
    source: undefined,
  };
}

function prepareRequestInput(input: Request, init: RequestInit | undefined): PreparedRequest {
  // What fetch(input, init) itself does: the init's members override the Request's.
  const source = init === undefined ? input : new Request(input, init);
  // A used body cannot be sent: fail now rather than after a login.
  if (source.bodyUsed) throw new TypeError('The Request body is already used.');
  return { url: new URL(source.url), method: source.method, redirect: source.redirect, replayable: true, init: undefined, source };
}

/** The caller's headers, a fresh copy per attempt: redirects and the auth headers modify it. */
function callerHeaders(request: PreparedRequest): Headers {
  if (request.source !== undefined) return new Headers(request.source.headers);
  const headers = new Headers(request.init?.headers);
  // fetch would label a string `text/plain`; the Apiax API expects JSON.
  if (typeof request.init?.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
  return headers;
}

/** Sends one hop; redirects are followed by the caller of this, never by the platform. */
function sendHop(
  send: typeof globalThis.fetch,
  request: PreparedRequest,
  url: URL,
  method: string,
  headers: Headers,
  withBody: boolean,
  firstHop: boolean,
): Promise<Response> {
  const { source } = request;
  if (source === undefined) {
    return send(url, { ...request.init, method, headers, body: withBody ? request.init?.body : null, redirect: 'manual' });
  }
  const hasBody = source.body !== null;
  // On a first hop the clone carries everything the caller set on the Request (and its Content-Length);
  // the source itself is never sent, so its body stays available for the next send.
  if (firstHop) return send(hasBody ? source.clone() : source, { headers, redirect: 'manual' });
  return send(url, {
    method,
    headers,
    body: withBody && hasBody ? source.clone().body : null,
    duplex: 'half',
    signal: source.signal,
    redirect: 'manual',
  });
}

/** Bodies the platform can serialize again from the same value. Streams and iterables are read once. */
function isReplayableBody(body: RequestInit['body']): boolean {
  return (
    body === undefined ||
    body === null ||
    typeof body === 'string' ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof URLSearchParams ||
    body instanceof Blob ||
    body instanceof FormData
  );
}

/** The methods fetch upper-cases; any other (even `patch`) is sent as given. */
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Fetch standard, HTTP-redirect fetch: 303 turns anything but GET/HEAD into a GET; 301/302 turn a POST into one. */
function changesToGet(status: number, method: string): boolean {
  if (status === 303) return method !== 'GET' && method !== 'HEAD';
  return (status === 301 || status === 302) && method === 'POST';
}

function parseLocation(location: string, base: URL): URL {
  let next: URL;
  try {
    next = new URL(location, base);
  } catch {
    throw fetchFailed('invalid redirect location');
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') throw fetchFailed('URL scheme must be a HTTP(S) scheme');
  return next;
}

/** The platform's fetch rejects with `TypeError('fetch failed')` and the reason as `cause`: so do we. */
function fetchFailed(reason: string): TypeError {
  return new TypeError('fetch failed', { cause: new Error(reason) });
}

/** Frees the connection of a response nobody will read (a redirect, a 401 about to be replayed). */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}
