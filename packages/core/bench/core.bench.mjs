// Benchmarks of @apiax-auth/core, against the fake Apiax over real HTTP on loopback.
// Run: pnpm --filter @apiax-auth/core bench (after a build). Prints a table; writes bench/results/core.json.
// Speed is reported as ratios to a baseline measured in the same run, never asserted.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Bench } from 'tinybench';
import { createTestClock, startFakeApiax } from '@apiax-auth/testing';
import { createApiaxAuth } from '../dist/index.js';

/** Each benchmark iteration runs this many calls, so timer overhead does not dominate sub-microsecond work. */
const BATCH = 1_000;
const STORM = 10_000;

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
  storms,
};

console.log('\n@apiax-auth/core — warm path (ops/s, same run)');
console.table([
  { what: 'baseline: await async () => variable', 'ops/s': Math.round(warm.baselineOpsPerSecond) },
  { what: 'auth.getAccessToken() (warm)', 'ops/s': Math.round(warm.getAccessTokenOpsPerSecond), 'vs baseline': `${warm.ratio.toFixed(2)}×` },
]);
console.log(`token requests during the warm benchmark: ${warm.grantsDuringBench}`);
console.log(`\nstorms: ${STORM} concurrent getAccessToken() calls`);
console.table(storms.map(({ label, tokenRequestsSent, distinctTokensReturned, elapsedMs }) => ({ when: label, 'token requests': tokenRequestsSent, 'distinct tokens': distinctTokensReturned, ms: elapsedMs })));

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/core.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log('written: bench/results/core.json');
