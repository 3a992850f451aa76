// How fast the fake serves, as req/s ratios against a bare node:http server measured in the same run:
//   api:     POST /api/v3/rules/eval with a valid bearer (RS256 verify + session check + answer) vs the bare server;
//   refresh: refresh_token grants (lookup + RS256 signing) vs the bare server.
// Tells other packages' benches whether the fake, as their upstream, could be their bottleneck.
// Loopback only, bounded: ROUNDS x 2 pairs x 2 sides x DURATION s (default 3 x 2 x 2 x 3 s, about 40 s).
// Run after `pnpm --filter @apiax-auth/testing build`: `pnpm --filter @apiax-auth/testing bench`.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism, cpus } from 'node:os';
import autocannon from 'autocannon';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const durationSeconds = Number(process.env.BENCH_DURATION ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const round2 = (value) => Math.round(value * 100) / 100;

async function load(target, duration = durationSeconds) {
  const result = await autocannon({ ...target, connections, duration });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${target.url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { requestsPerSecond: result.requests.average, latencyP99Ms: result.latency.p99 };
}

/** Alternates which side goes first each round, so drift on a shared machine hits both sides alike. */
async function compare(baseline, candidate) {
  await load(baseline, 1);
  await load(candidate, 1);
  const samples = [];
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? ['baseline', 'candidate'] : ['candidate', 'baseline'];
    const sample = {};
    for (const side of order) sample[side] = await load(side === 'baseline' ? baseline : candidate);
    sample.ratio = sample.candidate.requestsPerSecond / sample.baseline.requestsPerSecond;
    samples.push(sample);
  }
  return {
    baselineRequestsPerSecond: Math.round(median(samples.map((s) => s.baseline.requestsPerSecond))),
    candidateRequestsPerSecond: Math.round(median(samples.map((s) => s.candidate.requestsPerSecond))),
    medianRatio: round2(median(samples.map((s) => s.ratio))),
    ratios: samples.map((s) => round2(s.ratio)),
    candidateLatencyP99Ms: median(samples.map((s) => s.candidate.latencyP99Ms)),
  };
}

const child = fork(new URL('./servers.mjs', import.meta.url), { stdio: 'inherit' });
const [target] = await once(child, 'message');
const evalBody = JSON.stringify({
  products: [{ productId: 'Custody and Payment Services', familyId: 'Financial Services' }],
  regimes: ['CAN'],
  versionFilter: 'latest',
  attributes: [{ name: 'clientStatus', value: '*(prospect|existingClient)' }],
});
const refreshBody = new URLSearchParams({
  grant_type: 'refresh_token',
  client_id: 'integration-api',
  refresh_token: target.refreshToken,
}).toString();
const post = (url, body, headers) => ({ url, method: 'POST', body, headers });

try {
  const api = await compare(
    post(target.bareUrl, evalBody, { 'content-type': 'application/json' }),
    post(target.apiUrl, evalBody, { 'content-type': 'application/json', authorization: `Bearer ${target.accessToken}` }),
  );
  const refresh = await compare(
    post(target.bareUrl, refreshBody, { 'content-type': 'application/x-www-form-urlencoded' }),
    post(target.tokenEndpoint, refreshBody, { 'content-type': 'application/x-www-form-urlencoded' }),
  );
  child.send({ type: 'stop' });
  const [{ stats }] = await once(child, 'message');
  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cpus: `${availableParallelism()} x ${cpus()[0]?.model ?? 'unknown'}`,
        rounds,
        durationSeconds,
        connections,
        api: { baseline: 'bare node:http, fixed JSON', candidate: 'fake rule engine eval (bearer verified)', ...api },
        refresh: { baseline: 'bare node:http, fixed JSON', candidate: 'fake refresh_token grant', ...refresh },
        fakeStats: stats,
      },
      null,
      2,
    ),
  );
} catch (cause) {
  child.kill();
  throw cause;
}
