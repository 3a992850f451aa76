import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader, type DataPoint, type MetricData } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';

/** A metric reader collected on demand by the test (no timer). */
class OnDemandReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** The real OpenTelemetry SDK, registered globally as an app would: spans in memory, metrics on demand. */
export interface OtelSdk {
  /** Every span ended so far (exports are asynchronous in SDK 3: flushed first). */
  spans(): Promise<ReadableSpan[]>;
  /** The metrics of the `@apiax-auth/core` meter, by instrument name. */
  collect(): Promise<Map<string, MetricData>>;
  /** Drops recorded spans and starts a fresh meter provider (metrics are cumulative). */
  reset(): void;
  shutdown(): Promise<void>;
}

export function registerOtelSdk(): OtelSdk {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  trace.setGlobalTracerProvider(tracerProvider);
  let reader = new OnDemandReader();
  const startMeter = (): void => {
    reader = new OnDemandReader();
    metrics.disable();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  };
  startMeter();
  return {
    async spans() {
      await tracerProvider.forceFlush();
      return exporter.getFinishedSpans();
    },
    async collect() {
      const { resourceMetrics } = await reader.collect();
      const scope = resourceMetrics.scopeMetrics.find((candidate) => candidate.scope.name === '@apiax-auth/core');
      return new Map((scope?.metrics ?? []).map((metric) => [metric.descriptor.name, metric]));
    },
    reset() {
      exporter.reset();
      startMeter();
    },
    async shutdown() {
      await tracerProvider.shutdown();
      trace.disable();
      metrics.disable();
      context.disable();
    },
  };
}

/** The data points of one instrument whose attributes include `attributes`. */
export function pointsOf(metric: MetricData | undefined, attributes: Record<string, string> = {}): DataPoint<unknown>[] {
  if (metric === undefined) return [];
  return (metric.dataPoints as DataPoint<unknown>[]).filter((point) =>
    Object.entries(attributes).every(([key, value]) => point.attributes[key] === value),
  );
}
