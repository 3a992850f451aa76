import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { createGrants } from '../src/grants.js';
import { resolveOptions } from '../src/options.js';
import { Redactor } from '../src/redaction.js';
import { hang, startHostileServer, trickle } from './support/hostile-server.js';

/** What a hung request would cost without the abort: the whole requestTimeoutMs. */
const REQUEST_TIMEOUT_MS = 30_000;

async function hungGrants() {
  const server = await startHostileServer(hang);
  const options = resolveOptions({
    env: {},
    username: 'demo',
    password: 'demo-password',
    issuer: server.issuer,
    apiBaseUrl: server.origin,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
  });
  return { server, grants: createGrants(options, new Redactor()) };
}

/** Settles `promise`, or reports that it was still pending after `ms` (far below the request timeout). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still pending'> {
  return Promise.race([promise, new Promise<'still pending'>((resolve) => setTimeout(() => resolve('still pending'), ms).unref())]);
}

// Issue 13 item 6, grant side: the session passes its closing signal; aborting it ends a hung grant at once.
describe('an aborted grant ends at once with closed, whatever the server does', () => {
  it.each(['password', 'refresh', 'logout'] as const)('%s: a hung request settles as closed when the signal aborts', async (grant) => {
    const { server, grants } = await hungGrants();
    const closing = new AbortController();
    const pending: Promise<unknown> =
      grant === 'password'
        ? grants.password(closing.signal)
        : grant === 'refresh'
          ? grants.refresh('rt', closing.signal)
          : grants.logout('rt', closing.signal);
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    const abortedAt = performance.now();
    closing.abort();
    const outcome = await within(pending, 5_000);
    console.info(
      `${grant}: settled ${(performance.now() - abortedAt).toFixed(1)} ms after the abort (requestTimeoutMs ${REQUEST_TIMEOUT_MS})`,
    );
    expect(outcome).toMatchObject({ ok: false, failure: { kind: 'rejected', error: { code: 'closed' } } });
  });

  it('a signal aborted during a trickling body ends the read too', async () => {
    const server = await startHostileServer(trickle(JSON.stringify({ access_token: 'a', token_type: 'bearer', expires_in: 60 }), 100));
    const options = resolveOptions({
      env: {},
      username: 'demo',
      password: 'pw',
      issuer: server.issuer,
      apiBaseUrl: server.origin,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });
    const closing = new AbortController();
    const pending = createGrants(options, new Redactor()).password(closing.signal);
    setTimeout(() => closing.abort(), 250);
    expect(await within(pending, 5_000)).toMatchObject({ ok: false, failure: { error: { code: 'closed' } } });
  });

  it('an already-aborted signal sends nothing', async () => {
    const { server, grants } = await hungGrants();
    const outcome = await grants.password(AbortSignal.abort());
    expect(outcome).toMatchObject({ ok: false, failure: { error: { code: 'closed' } } });
    expect(server.requests).toHaveLength(0);
  });
});
