// Measures what apiaxAuth() costs, as req/s ratios against a baseline measured in the same run:
//   attach:  bare Express vs Express + apiaxAuth() on a route that never calls Apiax;
//   api:     a route calling the fake rule engine through req.apiax.fetch vs the same call with a fixed header.
//   noise:   bare Express vs an identical one, the noise floor of this machine in this run.
// Loopback only, bounded: 3 pairs x 2 sides x (1 s warm-up + ROUNDS x DURATION) (default 3 x 2 x (1 + 10 x 2 s) = 126 s).
// Run after `pnpm --filter @apiax-auth/express build`: `pnpm --filter @apiax-auth/express bench`.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import autocannon from 'autocannon';

const rounds = Number(process.env.BENCH_ROUNDS ?? 10);
const durationSeconds = Number(process.env.BENCH_DURATION ?? 2);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

/** Linear interpolation between closest ranks. */
const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  return sorted[below] + (sorted[Math.ceil(position)] - sorted[below]) * (position - below);
};
const median = (values) => quantile(values, 0.5);
const round2 = (value) => Math.round(value * 100) / 100;

async function load(url, duration = durationSeconds) {
  const result = await autocannon({ url, connections, duration });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { requestsPerSecond: result.requests.average, latencyP50Ms: result.latency.p50, latencyP99Ms: result.latency.p99 };
}

/**
 * One sample per side per round, in A-B then B-A order: a burst of someone else's work on a shared
 * machine lands on either side alike, and the median of many short rounds' ratios shrugs it off.
 * (Loading both sides at once is no better: sharing a server process evens out their throughput.)
 */
async function compare(baselineUrl, candidateUrl) {
  await load(baselineUrl, 1);
  await load(candidateUrl, 1);
  const samples = [];
  for (let round = 0; round < rounds; round += 1) {
    const sample = {};
    const order = round % 2 === 0 ? ['baseline', 'candidate'] : ['candidate', 'baseline'];
    for (const side of order) sample[side] = await load(side === 'baseline' ? baselineUrl : candidateUrl);
    sample.ratio = sample.candidate.requestsPerSecond / sample.baseline.requestsPerSecond;
    samples.push(sample);
  }
  const ratios = samples.map((s) => s.ratio);
  return {
    baselineRequestsPerSecond: Math.round(median(samples.map((s) => s.baseline.requestsPerSecond))),
    candidateRequestsPerSecond: Math.round(median(samples.map((s) => s.candidate.requestsPerSecond))),
    medianRatio: round2(median(ratios)),
    interquartileRatio: [round2(quantile(ratios, 0.25)), round2(quantile(ratios, 0.75))],
    ratios: ratios.map(round2),
    baselineLatencyP99Ms: median(samples.map((s) => s.baseline.latencyP99Ms)),
    candidateLatencyP99Ms: median(samples.map((s) => s.candidate.latencyP99Ms)),
  };
}

const child = fork(new URL('./servers.mjs', import.meta.url), { stdio: 'inherit' });
const [ready] = await once(child, 'message');
const { urls } = ready;
try {
  const noise = await compare(`${urls.bare}/ping`, `${urls.bareTwin}/ping`);
  const attach = await compare(`${urls.bare}/ping`, `${urls.attached}/ping`);
  const api = await compare(`${urls.fixedHeader}/eval`, `${urls.viaApiax}/eval`);
  child.send({ type: 'stop' });
  const [{ stats }] = await once(child, 'message');

  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${availableParallelism()} x ${cpus()[0]?.model ?? 'unknown'}`,
    rounds,
    durationSeconds,
    connections,
    noise: { baseline: 'bare Express', candidate: 'an identical bare Express', ...noise },
    attach: { baseline: 'bare Express', candidate: 'Express + apiaxAuth() (not called)', ...attach },
    api: { baseline: 'fetch with a fixed Authorization header', candidate: 'req.apiax.fetch', ...api },
    // One login per client for the whole run: the middleware that is never called logs in never.
    fake: { logins: stats.password, refreshes: stats.refresh, apiCalls: stats.apiCalls },
  };
  const row = (pair) => ({
    'baseline req/s': pair.baselineRequestsPerSecond,
    'candidate req/s': pair.candidateRequestsPerSecond,
    'median ratio': pair.medianRatio,
    'ratio p25-p75': pair.interquartileRatio.join(' - '),
  });
  console.table({
    [`noise floor: ${results.noise.candidate} vs ${results.noise.baseline}`]: row(noise),
    [`attach: ${results.attach.candidate} vs ${results.attach.baseline}`]: row(attach),
    [`api: ${results.api.candidate} vs ${results.api.baseline}`]: row(api),
  });
  console.log(`fake Apiax saw ${stats.password} login(s), ${stats.refresh} refresh(es), ${stats.apiCalls} API calls`);
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
} catch (error) {
  child.kill();
  throw error;
}
