/** The redirect rules of the Fetch standard that `auth.fetch` follows itself, as small pure functions. */

/** What the platform's fetch allows before failing with "redirect count exceeded". */
export const MAX_REDIRECTS = 20;

/** What the platform's fetch drops on a redirect to another origin, whichever it is. */
export const CROSS_ORIGIN_STRIPPED_HEADERS = ['proxy-authorization', 'cookie', 'host'] as const;

/**
 * What only the allowed origins may see. The platform's fetch would drop `Authorization` on a cross-origin
 * redirect but keep `Apikey`, which is as much a secret as the token.
 */
export const CREDENTIAL_HEADERS = ['authorization', 'apikey'] as const;

/** Headers that describe a body: dropped with it when a redirect turns the request into a GET (Fetch standard). */
export const BODY_HEADERS = ['content-encoding', 'content-language', 'content-location', 'content-type', 'content-length'] as const;

/** The statuses fetch follows. */
export function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Fetch standard, HTTP-redirect fetch: 303 turns anything but GET/HEAD into a GET; 301/302 turn a POST into one. */
export function changesToGet(status: number, method: string): boolean {
  if (status === 303) return method !== 'GET' && method !== 'HEAD';
  return (status === 301 || status === 302) && method === 'POST';
}

/** The next hop's URL; a bad `Location` fails as the platform's fetch fails. */
export function parseLocation(location: string, base: URL): URL {
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
export function fetchFailed(reason: string): TypeError {
  return new TypeError('fetch failed', { cause: new Error(reason) });
}

/** Frees the connection of a response nobody will read (a redirect, a 401 about to be replayed). */
export async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}
