import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { SimpleSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { GrantSpanView } from './dashboard-types-telemetry.js';

/** How many of apiax-auth's spans the panel shows. */
const KEEP = 12;
const GLOBALS = Symbol.for('apiax-auth.demo.telemetry');

interface TelemetryGlobals {
  spans: GrantSpanView[];
}

function globals(): TelemetryGlobals {
  return ((globalThis as Record<symbol, unknown>)[GLOBALS] ??= { spans: [] }) as TelemetryGlobals;
}

/** Pure: what the panel shows of a span (apiax-auth's attributes carry no secret, by contract). */
export function toGrantSpanView(span: ReadableSpan): GrantSpanView {
  const [seconds, nanos] = span.duration;
  return {
    name: span.name,
    traceId: span.spanContext().traceId,
    parent: span.parentSpanContext === undefined ? null : span.parentSpanContext.spanId,
    startedAt: span.startTime[0] * 1000 + Math.round(span.startTime[1] / 1e6),
    durationMs: seconds * 1000 + nanos / 1e6,
    failed: span.status.code === SpanStatusCode.ERROR,
    attributes: Object.fromEntries(Object.entries(span.attributes).map(([key, value]) => [key, String(value)])),
  };
}

/** An exporter that keeps the last {@link KEEP} spans of `@apiax-auth/core` in memory, for the panel. */
const grantSpanExporter: SpanExporter = {
  export(spans, done) {
    const kept = globals().spans;
    for (const span of spans) if (span.instrumentationScope.name === '@apiax-auth/core') kept.unshift(toGrantSpanView(span));
    kept.splice(KEEP);
    done({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
};

/**
 * Registers an OpenTelemetry SDK in this server process, as an app with an observability stack would
 * (there, an OTLP exporter instead of this in-memory one): apiax-auth's spans land in the panel.
 */
export function registerDemoTelemetry(): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: grantSpanExporter })] }));
}

/** The last grant spans, newest first. */
export function recentGrantSpans(): GrantSpanView[] {
  return globals().spans;
}
