import { startFakeApiax } from '@apiax-auth/testing';
import { createApiaxAuth } from '@apiax-auth/core';
import { context, trace } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { recentGrantSpans, registerDemoTelemetry } from '../lib/telemetry.js';

const PASSWORD_CANARY = 'telemetry-panel-canary-9d1f';

// The panel's data source: the SDK the Next process registers, fed by a real client over loopback HTTP.
describe('the telemetry panel data', () => {
  afterAll(() => {
    trace.disable();
    context.disable();
  });

  it('lists the grant spans, newest first, parented to the request that waited, with no secret', async () => {
    registerDemoTelemetry();
    const fake = await startFakeApiax({ users: [{ username: 'demo', password: PASSWORD_CANARY }] });
    const auth = createApiaxAuth({ env: { ...fake.env }, password: PASSWORD_CANARY });
    const token = await trace.getTracer('demo-test').startActiveSpan('POST /eval', async (span) => {
      const value = await auth.getAccessToken();
      span.end();
      return value;
    });
    await auth.getAccessToken({ forceRefresh: true });
    await auth.close({ logout: true });
    await fake.close();

    const spans = recentGrantSpans();
    expect(spans.map((span) => span.name)).toEqual(['apiax-auth logout', 'apiax-auth refresh', 'apiax-auth password']);
    expect(spans[2]!.parent).not.toBeNull();
    expect(spans[2]!.attributes).toMatchObject({
      'apiax_auth.grant': 'password',
      'apiax_auth.reason': 'initial',
      'http.response.status_code': '200',
    });
    expect(spans.every((span) => span.durationMs > 0)).toBe(true);
    const json = JSON.stringify(spans);
    expect(json).not.toContain(token);
    expect(json).not.toContain(PASSWORD_CANARY);
  });
});
