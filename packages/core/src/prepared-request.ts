/** Turning `auth.fetch`'s arguments into one request that every hop, and the replay after a 401, is sent from. */

/** A request, normalized once so that every hop and the replay after a 401 can be sent from it. */
export interface PreparedRequest {
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
/** A URL with a scheme (WHATWG: a letter, then letters, digits, `+`, `-`, `.`, then `:`). */
export const ABSOLUTE_URL = /^[a-z][a-z\d+\-.]*:/i;

/**
 * Resolves relative references under the base's path, as axios' `baseURL` and ky's `prefixUrl` do:
 * `new URL('/api/v3/x', 'https://h/gateway')` would drop `/gateway`.
 */
export function createRelativeUrlResolver(apiBaseUrl: URL): (relative: string) => URL {
  const prefix = `${apiBaseUrl.protocol}//${apiBaseUrl.host}${apiBaseUrl.pathname.replace(/\/+$/, '')}`;
  return (relative) => new URL(relative.startsWith('/') ? prefix + relative : `${prefix}/${relative}`);
}

/** A URL input and its init. */
export function prepareUrlInput(url: URL, init: RequestInit | undefined): PreparedRequest {
  return {
    url,
    method: normalizeMethod(init?.method ?? 'GET'),
    redirect: init?.redirect ?? 'follow',
    replayable: isReplayableBody(init?.body),
    init,
    source: undefined,
  };
}

/** A `Request` input, merged with its init as fetch itself merges them. */
export function prepareRequestInput(input: Request, init: RequestInit | undefined): PreparedRequest {
  // What fetch(input, init) itself does: the init's members override the Request's.
  const source = init === undefined ? input : new Request(input, init);
  // A used body cannot be sent: fail now rather than after a login.
  if (source.bodyUsed) throw new TypeError('The Request body is already used.');
  return { url: new URL(source.url), method: source.method, redirect: source.redirect, replayable: true, init: undefined, source };
}

/** The caller's headers, a fresh copy per attempt: redirects and the auth headers modify it. */
export function callerHeaders(request: PreparedRequest): Headers {
  if (request.source !== undefined) return new Headers(request.source.headers);
  const headers = new Headers(request.init?.headers);
  // fetch would label a string `text/plain`; the Apiax API expects JSON.
  if (typeof request.init?.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
  return headers;
}

/** Sends one hop; redirects are followed by the caller of this, never by the platform. */
export function sendHop(
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

/** `patch` stays `patch`; `post` becomes `POST`, as fetch does. */
function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}
