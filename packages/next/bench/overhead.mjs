// What the adapter adds to a call: `apiax.fetch` (request-time check, registry lookup, error
// normalization, no-store fetch) against core's `auth.fetch` as the baseline, same fake, same run.
// Run after `pnpm --filter @apiax-auth/next build`: `pnpm --filter @apiax-auth/next bench`. Prints the ratio and
// writes bench/results.json; asserts nothing.
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createApiaxAuth } from '@apiax-auth/core';
import { startFakeApiax } from '@apiax-auth/testing';
import { createApiaxNext } from '@apiax-auth/next';

const CALLS = Number(process.env.BENCH_CALLS ?? 1000);
const ROUNDS = 5;
const body = JSON.stringify({
  products: [{ productId: 'Custody and Payment Services', familyId: 'Financial Services' }],
  regimes: ['CAN'],
  versionFilter: 'latest',
  attributes: [{ name: 'clientStatus', value: '*(prospect|existingClient)' }],
});
const init = () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });

/** One timed call, its body read. */
async function timed(call) {
  const started = performance.now();
  const response = await call();
  await response.arrayBuffer();
  return performance.now() - started;
}

const fake = await startFakeApiax({ bruteForce: false });
const env = { ...fake.env };
const baseline = createApiaxAuth({ env });
const { apiax } = createApiaxNext({ env });
await baseline.getAccessToken();
await apiax.getAccessToken();

// Interleaved call by call (order alternating), so that the load of a shared machine hits both sides alike.
const results = { core: [], next: [] };
const calls = {
  core: () => baseline.fetch('/api/v3/rules/eval', init()),
  next: () => apiax.fetch('/api/v3/rules/eval', init()),
};
for (let round = 0; round < ROUNDS; round += 1) {
  const totals = { core: 0, next: 0 };
  for (let index = 0; index < CALLS; index += 1) {
    for (const side of index % 2 === 0 ? ['core', 'next'] : ['next', 'core']) totals[side] += await timed(calls[side]);
  }
  results.core.push(totals.core);
  results.next.push(totals.next);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const core = median(results.core);
const next = median(results.next);
console.log(`calls per round: ${CALLS}, rounds: ${ROUNDS}`);
console.log(`core auth.fetch : ${(core / CALLS).toFixed(3)} ms/call (median round ${core.toFixed(0)} ms)`);
console.log(`next apiax.fetch: ${(next / CALLS).toFixed(3)} ms/call (median round ${next.toFixed(0)} ms)`);
console.log(`ratio next/core : ${(next / core).toFixed(3)}`);
console.log(`logins: ${fake.stats.password} (one per client expected: 2)`);

const round3 = (value) => Math.round(value * 1000) / 1000;
const summary = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: `${availableParallelism()} x ${cpus()[0]?.model ?? 'unknown'}`,
  loadAverage: round3(loadavg()[0]),
  callsPerRound: CALLS,
  rounds: ROUNDS,
  baseline: "core's auth.fetch",
  candidate: '@apiax-auth/next apiax.fetch',
  baselineMsPerCall: round3(core / CALLS),
  candidateMsPerCall: round3(next / CALLS),
  ratioOfMedianRounds: round3(next / core),
  fake: { logins: fake.stats.password, apiCalls: fake.stats.apiCalls },
};
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(summary, null, 2)}\n`);

await baseline.close();
await apiax.auth.close();
await fake.close();
