#!/usr/bin/env node
// `pnpm bench [--quick]`: apiax-auth, @badgateway/oauth2-client and a hand-written openid-client loop,
// measured side by side in one run on the same fake Apiax, then every package's own benchmark.
// Writes bench/results.json, bench/RESULTS.md, bench/token-requests-14-days.svg and bench/fleet-scale.svg.
import './lib/connection-pool.mjs';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { clients } from './clients/index.mjs';
import { fleetScaleChart, tokenRequestsChart } from './lib/chart.mjs';
import { startRedisServer } from './lib/redis-server.mjs';
import { markdownReport } from './lib/report.mjs';
import { faults } from './scenarios/faults.mjs';
import { fleet } from './scenarios/fleet.mjs';
import { fleetScale } from './scenarios/fleet-scale.mjs';
import { fourteenDays } from './scenarios/fourteen-days.mjs';
import { overhead } from './scenarios/overhead.mjs';
import { storm } from './scenarios/storm.mjs';

const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const only = process.argv
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const here = import.meta.dirname;
const root = resolve(here, '..');
const options = { quick };
const wanted = (scenario) => !only || only.includes(scenario);
const log = (message) => process.stderr.write(`${message}\n`);

async function perClient(scenarioName, scenario) {
  if (!wanted(scenarioName)) return [];
  const rows = [];
  for (const client of clients) {
    const started = performance.now();
    rows.push({ name: client.name, ...(await scenario(client, options)) });
    log(`  ${scenarioName}: ${client.name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  return rows;
}

// Each package's own benchmark (autocannon rounds, fleets of processes) takes minutes: full runs only.
function packageBenches() {
  if (quick || !wanted('packages')) return [];
  const results = [];
  for (const dir of readdirSync(join(root, 'packages'))) {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
    if (!manifest.scripts?.bench) continue;
    log(`  package bench: ${manifest.name}`);
    try {
      execFileSync('pnpm', ['--filter', manifest.name, 'run', 'bench', ...(quick ? ['--quick'] : [])], {
        cwd: root,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, BENCH_QUICK: quick ? '1' : '' },
      });
    } catch {
      results.push({ name: manifest.name, error: 'its bench script failed', summary: '_failed in this run_' });
      continue;
    }
    const found = findResults(join(root, 'packages', dir, 'bench'));
    const data = found ? JSON.parse(readFileSync(found, 'utf8')) : null;
    results.push({
      name: manifest.name,
      data,
      summary: data ? '```json\n' + JSON.stringify(data, null, 2) + '\n```' : '_no results file_',
    });
  }
  return results;
}

function findResults(dir) {
  for (const candidate of [
    join(dir, 'results.json'),
    ...(existsSync(join(dir, 'results')) ? readdirSync(join(dir, 'results')).map((file) => join(dir, 'results', file)) : []),
  ]) {
    if (candidate.endsWith('.json') && existsSync(candidate)) return candidate;
  }
  return null;
}

log(`apiax-auth bench (${quick ? 'quick' : 'full'})`);
const started = performance.now();
const results = {
  meta: {
    mode: `${quick ? 'quick' : 'full'}${only ? ` (only ${only.join(', ')})` : ''}`,
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
  },
  storm: await perClient('storm', storm),
  fourteenDays: await perClient('fourteen-days', fourteenDays),
  faults: await perClient('faults', faults),
  overhead: wanted('overhead') ? await overhead(clients, options) : [],
  fleet: [],
  fleetScale: [],
  packages: [],
};
if (wanted('fleet')) {
  const redis = await startRedisServer();
  try {
    results.fleet = await fleet(clients, { ...options, redisUrl: redis.url });
  } finally {
    await redis.stop();
  }
  log('  fleet: done');
}
if (wanted('fleet-scale')) {
  const redis = await startRedisServer();
  try {
    results.fleetScale = await fleetScale({ ...options, redisUrl: redis.url });
  } finally {
    await redis.stop();
  }
  log('  fleet-scale: done');
}
results.packages = packageBenches();
results.meta.seconds = Math.round((performance.now() - started) / 1000);

writeFileSync(join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
if (results.fourteenDays.length > 0) {
  writeFileSync(join(here, 'token-requests-14-days.svg'), tokenRequestsChart(results.fourteenDays));
}
if (results.fleetScale.length > 0) writeFileSync(join(here, 'fleet-scale.svg'), fleetScaleChart(results.fleetScale));
const report = markdownReport(results);
writeFileSync(join(here, 'RESULTS.md'), `# Benchmark results\n\n${report}`);
process.stdout.write(report);
log(`done in ${results.meta.seconds} s: bench/results.json, bench/RESULTS.md, bench/token-requests-14-days.svg`);
// Peers keep sockets and timers of their own; the run is over.
process.exit(0);
