// What telemetry costs: getAccessToken() on a warm cache with an OpenTelemetry SDK registered, without
// one, and with `telemetry: false`; and the cost of a grant (a forced refresh over loopback) with and
// without the SDK. Run: pnpm --filter @apiax-auth/core bench (after a build). Prints ratios, never asserts;
// writes bench/results/telemetry.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemoryMetricExporter, AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, InMemorySpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { createTestClock, startFakeApiax } from '@apiax-auth/testing';
import { createApiaxAuth } from '../dist/index.js';
import { createTelemetry } from '../dist/telemetry.js';

const WARM_CALLS = 1_000_000;
const GRANTS = 100;
const ROUNDS = 15;

const spanExporter = new InMemorySpanExporter();
const contextManager = new AsyncLocalStorageContextManager();

/** Registers the SDK as an app would (spans batched to memory, metrics read every 60 s), or removes it. */
function setSdk(registered) {
  trace.disable();
  metrics.disable();
  context.disable();
  if (!registered) return;
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: spanExporter })] }));
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 60_000,
  });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
}

async function warmOpsPerSecond(auth) {
  let token;
  const startedAt = performance.now();
  for (let call = 0; call < WARM_CALLS; call += 1) token = await auth.getAccessToken();
  if (typeof token !== 'string') throw new Error('no token');
  return WARM_CALLS / ((performance.now() - startedAt) / 1000);
}

async function msPerGrant(auth) {
  const startedAt = performance.now();
  for (let grant = 0; grant < GRANTS; grant += 1) await auth.getAccessToken({ forceRefresh: true });
  return (performance.now() - startedAt) / GRANTS;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const clock = createTestClock();
const fake = await startFakeApiax({ now: clock.now });
// The SDK's context manager (AsyncLocalStorage) slows every await of the process, ours or not: so each
// telemetry arm is compared with `telemetry: false` under the same SDK condition.
const arms = {
  'no SDK, telemetry: false': { sdk: false, auth: createApiaxAuth({ env: fake.env, now: clock.now, telemetry: false }) },
  'no SDK, telemetry on': { sdk: false, auth: createApiaxAuth({ env: fake.env, now: clock.now }) },
  'SDK registered, telemetry: false': { sdk: true, auth: createApiaxAuth({ env: fake.env, now: clock.now, telemetry: false }) },
  'SDK registered, telemetry on': { sdk: true, auth: createApiaxAuth({ env: fake.env, now: clock.now }) },
};
const baselineOf = (name) => (name.startsWith('SDK') ? 'SDK registered, telemetry: false' : 'no SDK, telemetry: false');
const warm = Object.fromEntries(Object.keys(arms).map((name) => [name, []]));
const grant = Object.fromEntries(Object.keys(arms).map((name) => [name, []]));
for (const arm of Object.values(arms)) await arm.auth.getAccessToken();
spanExporter.reset();
const grantsBefore = fake.stats.tokenRequests;

/** The arms in a different order each round, so neither load drift nor position favours one. */
const rotated = (round) => {
  const entries = Object.entries(arms);
  return [...entries.slice(round % entries.length), ...entries.slice(0, round % entries.length)];
};

// Rounds alternate the arms, so a change of machine load hits all of them alike; the first round warms up.
for (let round = 0; round <= ROUNDS; round += 1) {
  for (const [name, arm] of rotated(round)) {
    setSdk(arm.sdk);
    const opsPerSecond = await warmOpsPerSecond(arm.auth);
    if (round > 0) warm[name].push(opsPerSecond);
  }
}
const warmGrants = fake.stats.tokenRequests - grantsBefore;
const spansOnWarmPath = spanExporter.getFinishedSpans().length;
for (let round = 0; round <= 8; round += 1) {
  for (const [name, arm] of rotated(round)) {
    setSdk(arm.sdk);
    const ms = await msPerGrant(arm.auth);
    if (round > 0) grant[name].push(ms);
  }
}
/** What the span and metric wrapper alone costs per token request (µs), around a request that does nothing. */
async function wrapperMicroseconds(sdk) {
  setSdk(sdk);
  const telemetry = createTelemetry({ enabled: true, tokenEndpoint: 'https://auth.example/token' });
  const outcome = { ok: true };
  const request = async () => outcome;
  const calls = 50_000;
  for (let call = 0; call < 5_000; call += 1) await telemetry.request('refresh', 'forced', false, request);
  const startedAt = performance.now();
  for (let call = 0; call < calls; call += 1) await telemetry.request('refresh', 'forced', false, request);
  return ((performance.now() - startedAt) * 1000) / calls;
}
const wrapper = { 'no SDK': await wrapperMicroseconds(false), 'SDK registered': await wrapperMicroseconds(true) };
setSdk(false);
for (const arm of Object.values(arms)) await arm.auth.close();
await fake.close();

const results = {
  measuredAt: new Date().toISOString(),
  machine: { node: process.version, cpus: os.cpus().length, loadAverage1m: os.loadavg()[0] },
  warmCallsPerRound: WARM_CALLS,
  rounds: ROUNDS,
  tokenRequestsDuringWarmRounds: warmGrants,
  spansCreatedOnWarmPath: spansOnWarmPath,
  warmOpsPerSecond: Object.fromEntries(Object.entries(warm).map(([name, samples]) => [name, median(samples)])),
  telemetryWrapperMicrosecondsPerRequest: wrapper,
  msPerForcedRefresh: Object.fromEntries(Object.entries(grant).map(([name, samples]) => [name, median(samples)])),
};

console.log(`\n@apiax-auth/core — telemetry overhead (median of ${ROUNDS} alternating rounds of ${WARM_CALLS} warm calls)`);
console.table(
  Object.entries(results.warmOpsPerSecond).map(([what, ops]) => ({
    what,
    'warm getAccessToken() ops/s': Math.round(ops),
    'vs telemetry: false (same SDK condition)': `${(ops / results.warmOpsPerSecond[baselineOf(what)]).toFixed(3)}×`,
    'ms per forced refresh': results.msPerForcedRefresh[what].toFixed(3),
    'grant time vs telemetry: false': `${(results.msPerForcedRefresh[what] / results.msPerForcedRefresh[baselineOf(what)]).toFixed(2)}×`,
  })),
);
console.log(
  `span + metrics wrapper per token request: ${wrapper['no SDK'].toFixed(2)} µs without an SDK, ${wrapper['SDK registered'].toFixed(2)} µs with one (in-memory exporters)`,
);
console.log(`token requests during the warm rounds: ${warmGrants}; spans created by the warm path: ${spansOnWarmPath}`);

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/telemetry.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log('written: bench/results/telemetry.json');
