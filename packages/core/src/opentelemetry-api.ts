import { createRequire } from 'node:module';

/*
 * The few parts of `@opentelemetry/api` core uses, typed structurally: the package is an optional
 * peer dependency, so neither core's code nor its `.d.ts` may need it to be installed.
 */

/** Attribute values core sets: strings and numbers only. */
export type OtelAttributes = Record<string, string | number>;

/** An OpenTelemetry context (opaque). */
export type OtelContext = object;

export interface OtelSpan {
  setAttribute(key: string, value: string | number): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}

export interface OtelTracer {
  startActiveSpan<F extends (span: OtelSpan) => unknown>(
    name: string,
    options: { kind: number; attributes: OtelAttributes },
    context: OtelContext,
    fn: F,
  ): ReturnType<F>;
}

export interface OtelCounter {
  add(value: number, attributes: OtelAttributes): void;
}

export interface OtelHistogram {
  record(value: number, attributes: OtelAttributes): void;
}

export interface OtelObservableResult {
  observe(value: number, attributes?: OtelAttributes): void;
}

export interface OtelObservableGauge {
  addCallback(callback: (result: OtelObservableResult) => void): void;
}

interface InstrumentOptions {
  description: string;
  unit: string;
  advice?: { explicitBucketBoundaries: number[] };
}

export interface OtelMeter {
  createCounter(name: string, options: InstrumentOptions): OtelCounter;
  createHistogram(name: string, options: InstrumentOptions): OtelHistogram;
  createObservableGauge(name: string, options: InstrumentOptions): OtelObservableGauge;
}

/** The module `@opentelemetry/api`, as far as core uses it. */
export interface OtelApi {
  trace: { getTracer(name: string): OtelTracer };
  metrics: { getMeter(name: string): OtelMeter; getMeterProvider(): object };
  context: { active(): OtelContext };
  ROOT_CONTEXT: OtelContext;
  SpanKind: { CLIENT: number };
  SpanStatusCode: { ERROR: number };
}

let loaded: OtelApi | null | undefined;

/**
 * The app's `@opentelemetry/api`, or `null` when it is not installed. Loaded once, synchronously, on
 * first need (core has no top-level await, so `require()` of core keeps working).
 *
 * Why `require` and not `import()`: the API must be there when the first client is built, without
 * making construction async. The API ships CommonJS, so `require` loads it from ESM too. A CommonJS
 * build of core (tsup/tsdown) has a real `require`, which wins; in ESM `require` is undefined and
 * `createRequire(import.meta.url)` stands in (never evaluated in a CommonJS build). Resolution starts
 * at core's own location, which finds the copy the app installed (a peer dependency is never
 * bundled); and every 1.x copy of the API shares one global registry, so the app's SDK is the one used.
 */
export function loadOpenTelemetryApi(): OtelApi | null {
  loaded ??= requireOptional('@opentelemetry/api') as OtelApi | null;
  return loaded;
}

/** Loads a CommonJS-loadable package if it is installed, else `null` (never throws). */
export function requireOptional(id: string): unknown {
  try {
    const requireHere = typeof require === 'function' ? require : createRequire(import.meta.url);
    return requireHere(id) as unknown;
  } catch {
    return null;
  }
}
