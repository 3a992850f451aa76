import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { hang, hostileClient, startHostileServer } from './support/hostile-server.js';

/** What close() used to wait for: the hung request's whole timeout. */
const REQUEST_TIMEOUT_MS = 30_000;

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still pending'> {
  return Promise.race([promise, new Promise<'still pending'>((resolve) => setTimeout(() => resolve('still pending'), ms).unref())]);
}

// Issue 13 item 6: close() returned only when the in-flight token request timed out, and waiting
// callers hung until then. Needs the session to pass its closing signal to the grants.
describe('close() aborts a hung grant', () => {
  it('returns at once, and every waiting caller settles with closed', async () => {
    const server = await startHostileServer(hang);
    const auth = hostileClient(server, { requestTimeoutMs: REQUEST_TIMEOUT_MS });
    const callers = Array.from({ length: 100 }, () =>
      auth.getAccessToken().then(
        () => 'token',
        (error: { code?: string }) => error.code,
      ),
    );
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    const closingAt = performance.now();
    const closed = await within(auth.close(), 5_000);
    const closeMs = performance.now() - closingAt;
    const outcomes = await within(Promise.all(callers), 1_000);
    console.info(
      `close() returned ${closeMs.toFixed(1)} ms after it was called, with a grant hung (requestTimeoutMs ${REQUEST_TIMEOUT_MS})`,
    );
    expect(closed).toBeUndefined();
    expect(outcomes).toEqual(Array.from({ length: 100 }, () => 'closed'));
    expect(server.requests).toHaveLength(1);
  });
});
