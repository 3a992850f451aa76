import { ApiaxAuthError } from './errors.js';
import { requestTarget } from './network-errors.js';

/**
 * A token response is a few KB (Keycloak's is under 4 KB with a large role list); this leaves room
 * for very large tokens while a hostile or broken server cannot make the client buffer megabytes.
 */
export const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

/** How one token-endpoint request is bounded. */
export interface RequestBounds {
  /** Headers and body together must arrive within this (ms): a trickling body is a timeout too. */
  timeoutMs: number;
  /** Bytes read from the body at most; past it reading stops and the request fails. */
  maxBodyBytes: number;
  /** Aborts the request from outside (the client closing): it then fails with `closed`. */
  signal?: AbortSignal | undefined;
}

/**
 * Sends one request through `send` and reads its whole body under `bounds`, then hands back a new
 * `Response` built from the bytes read (openid-client parses that one). Fails with:
 * - `ApiaxAuthError('invalid_response')` (retryable) when the body exceeds `maxBodyBytes`;
 * - `ApiaxAuthError('timeout')` (retryable) when headers and body did not arrive within `timeoutMs`;
 * - `ApiaxAuthError('closed')` when `bounds.signal` aborts.
 * Both hold even for a `fetch` that ignores its signal: the deadline races every step. Other errors
 * of `send` (network failures) propagate as they are, for error-mapping to classify.
 */
export async function boundedRequest(
  send: typeof globalThis.fetch,
  url: string | URL,
  init: RequestInit,
  bounds: RequestBounds,
): Promise<Response> {
  const deadline = AbortSignal.timeout(bounds.timeoutMs);
  const signals = [deadline, ...(bounds.signal ? [bounds.signal] : []), ...(init.signal ? [init.signal] : [])];
  const signal = AbortSignal.any(signals);
  const target = requestTarget(init.method ?? 'GET', String(url));
  const failure = (): ApiaxAuthError => abortError(bounds, deadline, target);
  if (signal.aborted) throw failure();

  let aborted: () => void = () => undefined;
  const abortion = new Promise<never>((_, reject) => {
    aborted = () => reject(failure());
    signal.addEventListener('abort', aborted, { once: true });
  });
  // The race below may lose to a rejection no one else awaits.
  abortion.catch(() => undefined);
  try {
    const response = await Promise.race([send(url, { ...init, signal }), abortion]).catch((error: unknown) => {
      throw signal.aborted ? failure() : error;
    });
    const bytes = await Promise.race([readCapped(response, bounds.maxBodyBytes, target), abortion]).catch(async (error: unknown) => {
      await response.body?.cancel().catch(() => undefined);
      throw signal.aborted ? failure() : error;
    });
    return rebuilt(response, bytes);
  } finally {
    signal.removeEventListener('abort', aborted);
  }
}

function abortError(bounds: RequestBounds, deadline: AbortSignal, target: string): ApiaxAuthError {
  if (bounds.signal?.aborted) return new ApiaxAuthError('closed', 'This apiax-auth client was closed; the token request was aborted');
  if (deadline.aborted) {
    return new ApiaxAuthError(
      'timeout',
      `The Apiax token endpoint did not answer in time: ${target}: no complete answer within ${bounds.timeoutMs} ms (requestTimeoutMs)`,
      {
        retryable: true,
      },
    );
  }
  return new ApiaxAuthError('timeout', `The token request was aborted: ${target}`, { retryable: true });
}

/** Reads at most `maxBytes`, stopping (and cancelling the stream) as soon as the body passes it. */
async function readCapped(response: Response, maxBytes: number, target: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(maxBytes, target);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes, target);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function tooLarge(maxBytes: number, target: string): ApiaxAuthError {
  return new ApiaxAuthError(
    'invalid_response',
    `The Apiax token endpoint's answer exceeded ${maxBytes} bytes (${target}); reading stopped there`,
    {
      retryable: true,
    },
  );
}

/** Statuses whose `Response` may not carry a body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** The same answer with its body in memory; length and encoding headers described the wire, not these bytes. */
function rebuilt(response: Response, bytes: Uint8Array): Response {
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  headers.delete('transfer-encoding');
  const body = NULL_BODY_STATUSES.has(response.status) ? null : bytes;
  return new Response(body as ConstructorParameters<typeof Response>[0], {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
