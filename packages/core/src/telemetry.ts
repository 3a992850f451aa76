import { type ApiaxAuthError } from './errors.js';
import {
  loadOpenTelemetryApi,
  type OtelApi,
  type OtelAttributes,
  type OtelCounter,
  type OtelHistogram,
  type OtelObservableResult,
  type OtelSpan,
} from './opentelemetry-api.js';

/** The instrumentation scope of every span and instrument: the package name. */
export const TELEMETRY_SCOPE = '@apiax-auth/core';

/** A token-endpoint request, as telemetry names it. */
export type TelemetryGrant = 'password' | 'refresh' | 'logout';

/** What a grant returns, as far as telemetry reads it (the grants' outcomes match it). */
export type TelemetryOutcome = { ok: true } | { ok: false; failure: { error: ApiaxAuthError } };

/** What the gauge reads from a session: when its refresh token dies (epoch ms), if known. */
export interface RemainingSource {
  status(): { refreshTokenExpiresAt: number | null };
}

/**
 * Spans and metrics of one client. Only grants (and logout) call it: the warm path of
 * `getAccessToken()` never reaches telemetry.
 */
export interface Telemetry {
  /**
   * Runs one token-endpoint request in a span `apiax-auth <grant>` and records its count and duration.
   * `background`: no caller waits, so the span starts a trace of its own instead of joining the caller's.
   */
  request<T extends TelemetryOutcome>(
    grant: TelemetryGrant,
    reason: string | undefined,
    background: boolean,
    run: () => Promise<T>,
  ): Promise<T>;
  /** Reports `apiax_auth.session.remaining` for this session until {@link stop}; held weakly. */
  observe(source: RemainingSource, now: () => number): void;
  /** Stops reporting the session's gauge (on close). */
  stop(): void;
}

/** Telemetry that does nothing: `telemetry: false`, or no `@opentelemetry/api` installed. */
export const NO_TELEMETRY: Telemetry = {
  request: (_grant, _reason, _background, run) => run(),
  observe: () => undefined,
  stop: () => undefined,
};

/**
 * The client's telemetry: through the app's `@opentelemetry/api` when installed and `enabled`, else
 * {@link NO_TELEMETRY}. Without a registered SDK the API's no-op tracer and meter make it near-free.
 */
export function createTelemetry(options: { enabled: boolean; tokenEndpoint: string }): Telemetry {
  const api = options.enabled ? loadOpenTelemetryApi() : null;
  if (api === null) return NO_TELEMETRY;
  const serverAddress = new URL(options.tokenEndpoint).hostname.replace(/^\[|\]$/g, '');
  let observed: GaugeEntry | undefined;
  return {
    request: (grant, reason, background, run) => traceRequest(api, { grant, reason, background, serverAddress }, run),
    observe(source, now) {
      observed = { source: new WeakRef(source), now };
      gaugeEntries.add(observed);
      instrumentsOf(api);
    },
    stop() {
      if (observed !== undefined) gaugeEntries.delete(observed);
      observed = undefined;
    },
  };
}

interface RequestInfo {
  grant: TelemetryGrant;
  reason: string | undefined;
  background: boolean;
  serverAddress: string;
}

async function traceRequest<T extends TelemetryOutcome>(api: OtelApi, info: RequestInfo, run: () => Promise<T>): Promise<T> {
  const tracer = api.trace.getTracer(TELEMETRY_SCOPE);
  const parent = info.background ? api.ROOT_CONTEXT : api.context.active();
  const attributes = spanAttributes(info);
  return tracer.startActiveSpan(`apiax-auth ${info.grant}`, { kind: api.SpanKind.CLIENT, attributes }, parent, async (span: OtelSpan) => {
    const startedAt = performance.now();
    let outcome: T | undefined;
    try {
      const result = await run();
      outcome = result;
      return result;
    } finally {
      const result = resultAttributes(info.grant, outcome);
      for (const [key, value] of Object.entries(result.span)) span.setAttribute(key, value);
      if (result.errorType !== undefined) span.setStatus({ code: api.SpanStatusCode.ERROR, message: result.errorType });
      span.end();
      const metricAttributes = { 'apiax_auth.grant': info.grant, 'apiax_auth.outcome': result.errorType ?? 'success' };
      const instruments = instrumentsOf(api);
      instruments.requests.add(1, metricAttributes);
      instruments.duration.record((performance.now() - startedAt) / 1000, metricAttributes);
    }
  });
}

/** Pure: the attributes known before the request. Never a secret: names, the reason, the host. */
export function spanAttributes(info: Pick<RequestInfo, 'grant' | 'reason' | 'serverAddress'>): OtelAttributes {
  const attributes: OtelAttributes = { 'apiax_auth.grant': info.grant, 'server.address': info.serverAddress };
  if (info.reason !== undefined) attributes['apiax_auth.reason'] = info.reason;
  return attributes;
}

/**
 * Pure: the attributes known after the request. `error.type` is the `ApiaxAuthError` code (never its
 * message); `undefined` outcome means the request threw. A successful token response is always a 200
 * (openid-client accepts no other); a successful logout's status (200 or 204) is not known here.
 */
export function resultAttributes(
  grant: TelemetryGrant,
  outcome: TelemetryOutcome | undefined,
): { span: OtelAttributes; errorType?: string } {
  if (outcome === undefined) return { span: { 'error.type': 'unexpected' }, errorType: 'unexpected' };
  if (outcome.ok) return { span: grant === 'logout' ? {} : { 'http.response.status_code': 200 } };
  const { code, status } = outcome.failure.error;
  const span: OtelAttributes = { 'error.type': code };
  if (status !== undefined) span['http.response.status_code'] = status;
  return { span, errorType: code };
}

/** Pure: seconds until the refresh token dies, or `undefined` when unknown (then no point is reported). */
export function remainingSeconds(refreshTokenExpiresAt: number | null, now: number): number | undefined {
  if (refreshTokenExpiresAt === null) return undefined;
  return Math.max(0, (refreshTokenExpiresAt - now) / 1000);
}

interface GaugeEntry {
  source: WeakRef<RemainingSource>;
  now: () => number;
}

interface Instruments {
  provider: object;
  requests: OtelCounter;
  duration: OtelHistogram;
}

/** Sessions the gauge reports: weakly held, so a client dropped without `close()` can still be collected. */
const gaugeEntries = new Set<GaugeEntry>();
let instruments: Instruments | undefined;

/**
 * The instruments, created on first need against the meter provider registered then, and again if
 * the app registers another (the metrics API has no proxy: a meter taken before the SDK started
 * would stay a no-op forever).
 */
function instrumentsOf(api: OtelApi): Instruments {
  const provider = api.metrics.getMeterProvider();
  if (instruments?.provider === provider) return instruments;
  const meter = api.metrics.getMeter(TELEMETRY_SCOPE);
  const requests = meter.createCounter('apiax_auth.token.requests', {
    description: 'Requests to the Apiax token endpoint, by grant and outcome',
    unit: '{request}',
  });
  const duration = meter.createHistogram('apiax_auth.token.request.duration', {
    description: 'Duration of requests to the Apiax token endpoint',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] },
  });
  const remaining = meter.createObservableGauge('apiax_auth.session.remaining', {
    description: 'Seconds until the Apiax refresh token (the Keycloak session) dies',
    unit: 's',
  });
  remaining.addCallback(observeRemaining);
  instruments = { provider, requests, duration };
  return instruments;
}

function observeRemaining(result: OtelObservableResult): void {
  for (const entry of gaugeEntries) {
    const source = entry.source.deref();
    if (source === undefined) {
      gaugeEntries.delete(entry);
      continue;
    }
    const seconds = remainingSeconds(source.status().refreshTokenExpiresAt, entry.now());
    if (seconds !== undefined) result.observe(seconds);
  }
}
