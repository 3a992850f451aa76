// Benchmarks of @apiax-auth/core, against the fake Apiax over real HTTP on loopback.
// Run: pnpm --filter @apiax-auth/core bench (after a build). Prints a table; writes bench/results/core.json.
// Speed is reported as ratios to a baseline measured in the same run, never asserted.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import { Bench } from 'tinybench';
import { createTestClock, startFakeApiax } from '@apiax-auth/testing';
import { createApiaxAuth } from '../dist/index.js';

/** Each benchmark iteration runs this many calls, so timer overhead does not dominate sub-microsecond work. */
const BATCH = 1_000;
const STORM = 10_000;
const FETCH_REQUESTS = 5_000;
const FETCH_CONCURRENCY = 32;
const FETCH_ROUNDS = 5;

function clientFor(fake, clock, overrides = {}) {
  return createApiaxAuth({ env: fake.env, now: clock.now, ...overrides });
}

async function warmPath() {
  const clock = createTestClock();
  const fake = await startFakeApiax({ now: clock.now });
  const auth = clientFor(fake, clock);
  await auth.getAccessToken();
  let cached = await auth.getAccessToken();
  const readVariable = async () => cached;

  const bench = new Bench({ name: 'warm path', time: 1_500, warmupTime: 300 });
  bench
    .add('baseline: await an async function returning a variable', async () => {
      for (let i = 0; i < BATCH; i += 1) cached = await readVariable();
    })
    .add('auth.getAccessToken() on a warm cache', async () => {
      for (let i = 0; i < BATCH; i += 1) cached = await auth.getAccessToken();
    });
  await bench.run();
  const [baseline, subject] = bench.tasks.map((task) => task.result.throughput.mean * BATCH);
  const grantsDuringBench = fake.stats.tokenRequests - 1;
  await auth.close();
  await fake.close();
  return { baselineOpsPerSecond: baseline, getAccessTokenOpsPerSecond: subject, ratio: subject / baseline, grantsDuringBench };
}

/** Requests per second of `call`, with `concurrency` callers in a loop until `total` requests are done. */
async function requestsPerSecond(call, total, concurrency) {
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started += 1;
      const response = await call();
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`unexpected status ${response.status}`);
    }
  };
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return total / ((performance.now() - startedAt) / 1000);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * auth.fetch against a bare node:http server on loopback, vs the platform fetch with the same headers
 * fixed by hand: what the token lookup, origin check and header handling cost per request. Rounds
 * alternate the two arms, so a change of machine load hits both alike; the ratio is of medians.
 */
async function fetchThroughput() {
  const clock = createTestClock();
  const fake = await startFakeApiax({ now: clock.now });
  const api = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"ok":true}');
    });
  });
  await new Promise((resolve) => api.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${api.address().port}`;
  const auth = clientFor(fake, clock, { apiBaseUrl: origin, apiKey: 'bench-api-key' });
  const headers = { authorization: `Bearer ${await auth.getAccessToken()}`, apikey: 'bench-api-key', 'content-type': 'application/json' };
  const arms = {
    bare: () => fetch(`${origin}/api/v3/rules/eval`, { method: 'POST', body: '{}', headers }),
    authenticated: () => auth.fetch('/api/v3/rules/eval', { method: 'POST', body: '{}' }),
  };
  const samples = { bare: [], authenticated: [] };
  for (const name of Object.keys(arms)) await requestsPerSecond(arms[name], 1_000, FETCH_CONCURRENCY); // warm-up
  for (let round = 0; round < FETCH_ROUNDS; round += 1) {
    for (const name of Object.keys(arms)) samples[name].push(await requestsPerSecond(arms[name], FETCH_REQUESTS, FETCH_CONCURRENCY));
  }
  const grantsDuringBench = fake.stats.tokenRequests - 1;
  await auth.close();
  await new Promise((resolve) => api.close(resolve));
  await fake.close();
  const bare = median(samples.bare);
  const authenticated = median(samples.authenticated);
  return {
    requestsPerRound: FETCH_REQUESTS,
    concurrency: FETCH_CONCURRENCY,
    rounds: FETCH_ROUNDS,
    bareFetchRequestsPerSecond: bare,
    authFetchRequestsPerSecond: authenticated,
    ratio: authenticated / bare,
    grantsDuringBench,
  };
}

async function storm(label, prepare) {
  const clock = createTestClock();
  const fake = await startFakeApiax({ now: clock.now, tokenLatencyMs: 20 });
  const auth = clientFor(fake, clock);
  await prepare(auth, clock);
  const before = fake.stats.tokenRequests;
  const startedAt = performance.now();
  const tokens = await Promise.all(Array.from({ length: STORM }, () => auth.getAccessToken()));
  const elapsedMs = performance.now() - startedAt;
  // A background refresh may still be on the wire: count it too.
  while (auth.status().state === 'refreshing') await new Promise((resolve) => setTimeout(resolve, 5));
  const result = {
    label,
    calls: STORM,
    tokenRequestsSent: fake.stats.tokenRequests - before,
    distinctTokensReturned: new Set(tokens).size,
    elapsedMs: Math.round(elapsedMs),
  };
  await auth.close();
  await fake.close();
  return result;
}

const warm = await warmPath();
const fetchResult = await fetchThroughput();
const storms = [
  await storm('cold start', async () => {}),
  await storm('at expiry (clock jumped past it)', async (auth, clock) => {
    await auth.getAccessToken();
    clock.advance(1800);
  }),
  await storm('inside the refresh window', async (auth, clock) => {
    await auth.getAccessToken();
    clock.advance(26 * 60);
  }),
];

const results = {
  measuredAt: new Date().toISOString(),
  machine: { node: process.version, cpus: os.cpus().length, loadAverage1m: os.loadavg()[0] },
  warmPath: warm,
  fetch: fetchResult,
  storms,
};

console.log('\n@apiax-auth/core — warm path (ops/s, same run)');
console.table([
  { what: 'baseline: await async () => variable', 'ops/s': Math.round(warm.baselineOpsPerSecond) },
  {
    what: 'auth.getAccessToken() (warm)',
    'ops/s': Math.round(warm.getAccessTokenOpsPerSecond),
    'vs baseline': `${warm.ratio.toFixed(2)}×`,
  },
]);
console.log(`token requests during the warm benchmark: ${warm.grantsDuringBench}`);
console.log(
  `\n@apiax-auth/core — authenticated fetch vs bare fetch with a fixed header (req/s, loopback, ${FETCH_CONCURRENCY} concurrent, median of ${FETCH_ROUNDS} alternating rounds)`,
);
console.table([
  { what: 'fetch() with the headers set by hand', 'req/s': Math.round(fetchResult.bareFetchRequestsPerSecond) },
  { what: 'auth.fetch()', 'req/s': Math.round(fetchResult.authFetchRequestsPerSecond), 'vs baseline': `${fetchResult.ratio.toFixed(2)}×` },
]);
console.log(`\nstorms: ${STORM} concurrent getAccessToken() calls`);
console.table(
  storms.map(({ label, tokenRequestsSent, distinctTokensReturned, elapsedMs }) => ({
    when: label,
    'token requests': tokenRequestsSent,
    'distinct tokens': distinctTokensReturned,
    ms: elapsedMs,
  })),
);

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/core.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log('written: bench/results/core.json');
