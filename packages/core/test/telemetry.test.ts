import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiaxAuthOptions } from '../src/index.js';
import { pointsOf, registerOtelSdk, type OtelSdk } from './support/otel-sdk.js';
import { settled, startHarness } from './support/harness.js';

const CANARY_PASSWORD = 'canary-Pa55word-7f3e9b';
let sdk: OtelSdk;

beforeAll(() => {
  sdk = registerOtelSdk();
});
afterEach(() => sdk.reset());
afterAll(() => sdk.shutdown());

/** The token endpoint's answers, read on the way: every token the client received. */
function tokenCapturingFetch(): { fetch: NonNullable<ApiaxAuthOptions['fetch']>; tokens: string[] } {
  const tokens: string[] = [];
  return {
    tokens,
    fetch: async (input, init) => {
      const response = await globalThis.fetch(input, init);
      if (response.ok && /json/.test(response.headers.get('content-type') ?? '')) {
        const body = (await response.clone().json()) as { access_token?: string; refresh_token?: string };
        for (const token of [body.access_token, body.refresh_token]) if (typeof token === 'string') tokens.push(token);
      }
      return response;
    },
  };
}

describe('spans', () => {
  it('a cold grant is a CLIENT span, child of the caller active span, with the contract attributes', async () => {
    const { client } = await startHarness();
    const auth = client();
    const tracer = trace.getTracer('the-app');
    const requestSpanId = await tracer.startActiveSpan('GET /eval', async (span) => {
      await auth.getAccessToken();
      span.end();
      return span.spanContext().spanId;
    });
    const grant = (await sdk.spans()).find((span) => span.name === 'apiax-auth password')!;
    expect(grant.kind).toBe(SpanKind.CLIENT);
    expect(grant.instrumentationScope.name).toBe('@apiax-auth/core');
    expect(grant.parentSpanContext?.spanId).toBe(requestSpanId);
    expect(grant.attributes).toEqual({
      'apiax_auth.grant': 'password',
      'apiax_auth.reason': 'initial',
      'server.address': '127.0.0.1',
      'http.response.status_code': 200,
    });
    expect(grant.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('a background renewal starts its own trace, even when a caller request triggered it', async () => {
    const { clock, client } = await startHarness();
    const auth = client();
    await auth.getAccessToken();
    clock.advance(26 * 60); // in the refresh window: the caller gets the cached token, the refresh runs behind
    const requestTraceId = await trace.getTracer('the-app').startActiveSpan('GET /eval', async (span) => {
      await auth.getAccessToken();
      span.end();
      return span.spanContext().traceId;
    });
    await settled(auth);
    const refresh = (await sdk.spans()).find((span) => span.name === 'apiax-auth refresh')!;
    expect(refresh.parentSpanContext).toBeUndefined();
    expect(refresh.spanContext().traceId).not.toBe(requestTraceId);
    expect(refresh.attributes).toMatchObject({ 'apiax_auth.grant': 'refresh', 'apiax_auth.reason': 'expiring' });
  });

  it('the warm path creates no span', async () => {
    const { client } = await startHarness();
    const auth = client();
    await auth.getAccessToken();
    const before = (await sdk.spans()).length;
    await trace.getTracer('the-app').startActiveSpan('GET /eval', async (span) => {
      for (let call = 0; call < 1_000; call += 1) await auth.getAccessToken();
      span.end();
    });
    expect((await sdk.spans()).length).toBe(before + 1); // the app's own span only
  });

  it('one span per request: a retried failure shows error.type and the status, then the success', async () => {
    const { fake, client } = await startHarness();
    const auth = client();
    fake.fail({ type: 'html', status: 503 });
    await auth.getAccessToken();
    const [failed, succeeded] = (await sdk.spans()).filter((span) => span.name === 'apiax-auth password');
    expect(failed!.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed!.attributes).toMatchObject({ 'error.type': 'server_error', 'http.response.status_code': 503 });
    expect(succeeded!.attributes['error.type']).toBeUndefined();
  });

  it('logout on close is a span too', async () => {
    const { client } = await startHarness();
    const auth = client();
    await auth.getAccessToken();
    await auth.close({ logout: true });
    const logout = (await sdk.spans()).find((span) => span.name === 'apiax-auth logout')!;
    expect(logout.attributes).toMatchObject({ 'apiax_auth.grant': 'logout', 'server.address': '127.0.0.1' });
  });
});

describe('metrics', () => {
  it('counts requests and their durations by grant and outcome', async () => {
    const { fake, client } = await startHarness();
    const auth = client();
    fake.fail({ type: 'html', status: 502 });
    await auth.getAccessToken();
    await auth.getAccessToken({ forceRefresh: true });
    const collected = await sdk.collect();
    const requests = collected.get('apiax_auth.token.requests');
    expect(pointsOf(requests, { 'apiax_auth.grant': 'password', 'apiax_auth.outcome': 'success' })[0]?.value).toBe(1);
    expect(pointsOf(requests, { 'apiax_auth.grant': 'password', 'apiax_auth.outcome': 'server_error' })[0]?.value).toBe(1);
    expect(pointsOf(requests, { 'apiax_auth.grant': 'refresh', 'apiax_auth.outcome': 'success' })[0]?.value).toBe(1);
    const duration = collected.get('apiax_auth.token.request.duration')!;
    expect(duration.descriptor.unit).toBe('s');
    const histogram = pointsOf(duration, { 'apiax_auth.grant': 'password', 'apiax_auth.outcome': 'success' })[0]!.value as Histogram;
    expect(histogram.count).toBe(1);
    expect(histogram.sum).toBeGreaterThan(0);
    expect(histogram.sum).toBeLessThan(10);
  });

  it('a rejected login counts as invalid_credentials', async () => {
    const { client } = await startHarness();
    const auth = client({ password: 'wrong' });
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_credentials' });
    const requests = (await sdk.collect()).get('apiax_auth.token.requests');
    expect(pointsOf(requests, { 'apiax_auth.outcome': 'invalid_credentials' })[0]?.value).toBe(1);
    const span = (await sdk.spans()).find((candidate) => candidate.name === 'apiax-auth password')!;
    expect(span.attributes).toMatchObject({ 'error.type': 'invalid_credentials', 'http.response.status_code': 401 });
  });

  it('session.remaining: seconds until the refresh token dies, no point before login nor after close', async () => {
    const { clock, client } = await startHarness();
    const auth = client();
    await auth.getAccessToken(); // creates the instruments on this test's meter provider
    await auth.close();
    const other = client();
    expect(pointsOf((await sdk.collect()).get('apiax_auth.session.remaining'))).toHaveLength(0);
    await other.getAccessToken();
    clock.advance(3_600);
    const [point] = pointsOf((await sdk.collect()).get('apiax_auth.session.remaining'));
    expect(point?.value).toBe(14 * 86_400 - 3_600);
  });
});

describe('never a secret, and off when asked', () => {
  it('no span name, attribute, status or metric attribute carries the password or a token', async () => {
    const { fake, clock, client } = await startHarness({ users: [{ username: 'demo', password: CANARY_PASSWORD }] });
    const { fetch, tokens } = tokenCapturingFetch();
    const auth = client({ password: CANARY_PASSWORD, fetch });
    await auth.getAccessToken();
    clock.advance(26 * 60);
    await auth.getAccessToken({ forceRefresh: true });
    fake.revokeSessions('demo');
    clock.advance(30 * 60);
    await auth.getAccessToken();
    await auth.close({ logout: true });
    const bad = client({ password: `${CANARY_PASSWORD}-wrong` });
    await expect(bad.getAccessToken()).rejects.toMatchObject({ code: 'invalid_credentials' });
    const exported = JSON.stringify({
      spans: (await sdk.spans()).map((span) => ({
        name: span.name,
        attributes: span.attributes,
        status: span.status,
        events: span.events,
      })),
      metrics: [...(await sdk.collect()).values()].map((metric) => metric.dataPoints.map((point) => point.attributes)),
    });
    expect(tokens.length).toBeGreaterThanOrEqual(6);
    expect((await sdk.spans()).length).toBeGreaterThanOrEqual(5);
    for (const secret of [CANARY_PASSWORD, ...tokens]) {
      for (const encoded of [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)]) {
        expect(exported).not.toContain(encoded);
      }
    }
  });

  it('telemetry: false emits no span and no metric', async () => {
    const { client } = await startHarness();
    const auth = client({ telemetry: false });
    await auth.getAccessToken();
    await auth.getAccessToken({ forceRefresh: true });
    expect(await sdk.spans()).toHaveLength(0);
    const collected = await sdk.collect();
    expect(pointsOf(collected.get('apiax_auth.token.requests'))).toHaveLength(0);
  });
});
