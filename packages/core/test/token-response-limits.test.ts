import { describe, expect, it } from 'vitest';
import { MAX_TOKEN_RESPONSE_BYTES } from '../src/bounded-fetch.js';
import { hang, hostileClient, hugeBody, startHostileServer, trickle } from './support/hostile-server.js';

const MB = 1024 * 1024;

/** Process memory that a buffered body would grow: JS heap plus ArrayBuffers (undici's chunks). */
function memory(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** Runs `work` while sampling memory every few ms; returns the peak growth over the baseline. */
async function peakGrowth(work: () => Promise<unknown>): Promise<number> {
  const baseline = memory();
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, memory());
  }, 2);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, memory()) - baseline;
}

describe('token-endpoint answers are bounded in size and time (issue 13 items 5, 9)', () => {
  it('a 100 MB body fails with invalid_response naming the cap; memory grows by under 8 MB and reading stops early', async () => {
    const sent = { bytes: 0 };
    const server = await startHostileServer(hugeBody(100 * MB, sent));
    const auth = hostileClient(server, { maxRetries: 0, requestTimeoutMs: 60_000 });
    let failure: unknown;
    const growth = await peakGrowth(() => auth.getAccessToken().catch((error: unknown) => (failure = error)));
    console.info(
      `100 MB body: peak memory growth ${(growth / MB).toFixed(1)} MB; server pushed ${(sent.bytes / MB).toFixed(1)} MB before the client hung up`,
    );
    expect(failure).toMatchObject({ code: 'invalid_response', retryable: true });
    expect((failure as Error).message).toContain(`exceeded ${MAX_TOKEN_RESPONSE_BYTES} bytes`);
    expect(growth).toBeLessThan(8 * MB);
    expect(sent.bytes).toBeLessThan(20 * MB);
  });

  it('a Content-Length above the cap is refused before reading', async () => {
    const server = await startHostileServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(300 * MB) });
      response.write('{"access_token":"');
    });
    const auth = hostileClient(server, { maxRetries: 0 });
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_response', message: expect.stringContaining('exceeded') });
  });

  it('a body trickling one byte at a time is a timeout, not invalid_response: the deadline covers headers and body', async () => {
    const body = JSON.stringify({ access_token: 'at', token_type: 'bearer', expires_in: 1800 });
    const server = await startHostileServer(trickle(body, 50));
    const auth = hostileClient(server, { maxRetries: 0, requestTimeoutMs: 300 });
    const error = await auth.getAccessToken().catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect((error as Error).message).toContain(`POST 127.0.0.1:${new URL(server.origin).port}`);
  });

  it('a server that never answers is a timeout naming the host, after requestTimeoutMs', async () => {
    const server = await startHostileServer(hang);
    const auth = hostileClient(server, { maxRetries: 0, requestTimeoutMs: 100 });
    const error = await auth.getAccessToken().catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'timeout' });
    expect((error as Error).message).toMatch(/POST 127\.0\.0\.1:\d+: no complete answer within 100 ms/);
  });
});
