import { ApiaxAuthError } from './errors.js';
import {
  ABSOLUTE_URL,
  callerHeaders,
  createRelativeUrlResolver,
  prepareRequestInput,
  prepareUrlInput,
  sendHop,
  type PreparedRequest,
} from './prepared-request.js';
import {
  BODY_HEADERS,
  changesToGet,
  CREDENTIAL_HEADERS,
  CROSS_ORIGIN_STRIPPED_HEADERS,
  discard,
  fetchFailed,
  isRedirect,
  MAX_REDIRECTS,
  parseLocation,
} from './redirects.js';

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
