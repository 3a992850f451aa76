/**
 * Reading what a failed `fetch` says about the network: undici nests the system error
 * (`ECONNREFUSED`, `ENOTFOUND`, a TLS verification failure) in `cause` chains. Only codes and
 * syscalls come out of here, never a message (a custom fetch may quote the request in it).
 */

/** Codes that mean "the request did not get through" (as opposed to a bad answer). */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** A system or TLS error code: upper case, digits and underscores (`CERT_HAS_EXPIRED`, `ERR_TLS_CERT_ALTNAME_INVALID`). */
const SYSTEM_CODE = /^[A-Z][A-Z0-9_]{2,63}$/;
/** Library codes that are not about the network. */
const LIBRARY_CODE = /^OAUTH_/;
/** A syscall name as Node reports it (`connect`, `getaddrinfo`, `read`). */
const SYSCALL = /^[a-z_]{2,32}$/;

/** The first network code in `thrown`'s cause chain (undici nests them), or `undefined`. */
export function networkCode(thrown: unknown): string | undefined {
  for (const error of causeChain(thrown)) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  }
  return undefined;
}

/**
 * `connect ECONNREFUSED`, `getaddrinfo ENOTFOUND`, `CERT_HAS_EXPIRED`: the deepest system error
 * code in the cause chain with its syscall, or `undefined` when there is none.
 */
export function systemErrorDetail(thrown: unknown): string | undefined {
  let detail: string | undefined;
  for (const error of causeChain(thrown)) {
    const { code, syscall } = error as { code?: unknown; syscall?: unknown };
    if (typeof code !== 'string' || !SYSTEM_CODE.test(code) || LIBRARY_CODE.test(code)) continue;
    detail = typeof syscall === 'string' && SYSCALL.test(syscall) ? `${syscall} ${code}` : code;
  }
  return detail;
}

/** The code part of {@link systemErrorDetail} (`ECONNREFUSED`, `CERT_HAS_EXPIRED`), or `undefined`. */
export function systemErrorCode(thrown: unknown): string | undefined {
  return systemErrorDetail(thrown)?.split(' ').at(-1);
}

/** Whether `thrown` is a timeout or an abort (openid-client's, the platform's, or one in the cause chain). */
export function isTimeout(thrown: unknown): boolean {
  const error = thrown as { name?: unknown; code?: unknown; cause?: unknown } | null;
  if (error?.code === 'OAUTH_TIMEOUT' || error?.code === 'OAUTH_ABORT') return true;
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') return true;
  const cause = error?.cause as { name?: unknown } | undefined;
  return cause?.name === 'TimeoutError' || cause?.name === 'AbortError';
}

function* causeChain(thrown: unknown): Generator<object> {
  let current: unknown = thrown;
  for (let depth = 0; depth < 6 && current !== null && typeof current === 'object'; depth += 1) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

/** `POST auth.example.com`: the method and host of a request, never its path, query or credentials. */
export function requestTarget(method: string, url: string | URL | undefined): string {
  if (url === undefined) return method;
  try {
    return `${method} ${new URL(url).host}`;
  } catch {
    return method;
  }
}
