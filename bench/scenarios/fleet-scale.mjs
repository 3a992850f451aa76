import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startFakeApiax } from '@apiax-auth/testing';
import { Redis } from 'ioredis';

const INSTANCE_SCRIPT = new URL('./fleet-scale-instance.mjs', import.meta.url);
const DEFAULT_STORE_MODULE = import.meta.resolve('@apiax-auth/redis');
const PROCESSES = 8;
const TOKEN_LIFETIME_S = 5;
const DURATION_MS = 15_000;
const CALL_INTERVAL_MS = 50;

/**
 * Scenario 6 — fleet scale: N = 8, 80, 400 instances of one app (8 processes × N/8 instances, each instance its
 * own client, RedisTokenStore and connections) share one account for 15 s of real time, against the fake with
 * 5-second tokens and refresh-token rotation: a cold start and about six refresh cycles. Each instance calls
 * getAccessToken() every ~50 ms. Counts the token requests at the fake and every command the instances send
 * to Redis (MONITOR, script-internal calls excluded: one EVALSHA is one command), and the p50/p99 latency of
 * getAccessToken() over all calls, cold start included.
 */
export async function fleetScale({ quick, redisUrl, storeModule = DEFAULT_STORE_MODULE, sizes = quick ? [8, 80] : [8, 80, 400] }) {
  const rows = [];
  for (const instances of sizes) rows.push({ instances, ...(await runFleetScale({ instances, redisUrl, storeModule })) });
  return rows;
}

async function runFleetScale({ instances, redisUrl, storeModule }) {
  const raw = new Redis(redisUrl);
  await raw.flushall();
  const fake = await startFakeApiax({ rotateRefreshTokens: true, accessTokenLifetimeSeconds: TOKEN_LIFETIME_S, bruteForce: false });
  const encryptionKey = randomBytes(32).toString('base64');
  const perProcess = Array.from(
    { length: PROCESSES },
    (_, index) => Math.floor(instances / PROCESSES) + (index < instances % PROCESSES ? 1 : 0),
  );
  const children = await Promise.all(perProcess.filter((count) => count > 0).map(() => startProcess()));
  const monitor = await countCommands(redisUrl);
  try {
    await Promise.all(
      children.map((child, index) =>
        child.request('start', { env: fake.env, redisUrl, encryptionKey, count: perProcess[index], storeModule }),
      ),
    );
    const goAt = performance.now();
    const grantTimes = [];
    const watcher = setInterval(() => {
      while (grantTimes.length < fake.stats.tokenRequests) grantTimes.push(Math.round(performance.now() - goAt));
    }, 5);
    const results = await Promise.all(
      children.map((child) => child.request('go', { durationMs: DURATION_MS, intervalMs: CALL_INTERVAL_MS })),
    );
    clearInterval(watcher);
    if (process.env.BENCH_DEBUG) process.stderr.write(`token requests at (ms after go): ${grantTimes.join(', ')}\n`);
    const commands = monitor.stop();
    if (process.env.BENCH_DEBUG) process.stderr.write(`${JSON.stringify(results.map((result) => [result.logged, result.slow]))}\n`);
    const latencies = results.flatMap((result) => result.latencies).sort((a, b) => a - b);
    const { password, refresh, failedRefreshes, tokenRequests } = fake.stats;
    return {
      tokenRequests,
      logins: password,
      refreshes: refresh,
      refusedRefreshes: failedRefreshes,
      redisCommands: commands.total,
      redisCommandsPerInstance: Math.round((commands.total / instances) * 10) / 10,
      topCommands: commands.top,
      calls: latencies.length,
      failedCalls: results.reduce((sum, result) => sum + result.failed, 0),
      p50Ms: round(quantile(latencies, 0.5)),
      p99Ms: round(quantile(latencies, 0.99)),
      maxMs: round(latencies.at(-1) ?? 0),
    };
  } finally {
    monitor.stop();
    await Promise.all(children.map((child) => child.close()));
    await fake.close();
    raw.disconnect();
  }
}

/** Counts the commands clients send from now on; commands run inside Lua scripts are not the clients'. */
async function countCommands(redisUrl) {
  const monitor = await new Redis(redisUrl).monitor();
  const byName = new Map();
  let total = 0;
  let stopped = null;
  monitor.on('monitor', (_time, args, source) => {
    if (source === 'lua') return;
    total += 1;
    const name = commandName(args);
    byName.set(name, (byName.get(name) ?? 0) + 1);
  });
  return {
    stop() {
      if (stopped === null) {
        monitor.disconnect();
        const top = Object.fromEntries([...byName].sort((a, b) => b[1] - a[1]).slice(0, 8));
        stopped = { total, top };
      }
      return stopped;
    },
  };
}

/**
 * `get`, `info`…; a store script by what it does (see packages/redis/src/lock-scripts.ts): `acquire` (two
 * keys, a lease in ms), `release` (two keys, a channel), `extend` (the lock key), `set` (the record key).
 */
function commandName(args) {
  const name = String(args[0]).toLowerCase();
  if (name !== 'eval' && name !== 'evalsha') return name;
  const [keyCount, firstKey] = [args[2], String(args[3])];
  if (keyCount === '2') return `${name} ${/^\d+$/.test(String(args[6])) ? 'acquire' : 'release'}`;
  return `${name} ${firstKey.endsWith(':lock') ? 'extend' : 'set'}`;
}

function startProcess() {
  const child = fork(INSTANCE_SCRIPT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 0;
  const ready = new Promise((resolve) => child.once('message', resolve));
  child.on('message', (message) => {
    const entry = pending.get(message.id);
    if (!entry) return;
    pending.delete(message.id);
    if (message.error) entry.reject(new Error(message.error));
    else entry.resolve(message.result);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const handle = {
    request(type, payload = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, type, payload });
      });
    },
    async close() {
      if (child.exitCode !== null) return;
      await Promise.race([handle.request('close').catch(() => {}), exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      child.kill('SIGKILL');
    },
  };
  return ready.then(() => handle);
}

function quantile(sorted, q) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function round(ms) {
  return ms < 10 ? Math.round(ms * 100) / 100 : Math.round(ms);
}

// `node bench/scenarios/fleet-scale.mjs [--sizes=8,80] [--store=<module url>] [--out=<file.json>]`: this
// scenario alone, one JSON line per size; with the package's own store, it also writes
// bench/fleet-scale.json and bench/fleet-scale.svg (what `pnpm bench` writes into results.json and the chart).
if (import.meta.url === `file://${process.argv[1]}`) {
  const { writeFileSync } = await import('node:fs');
  const { cpus, loadavg } = await import('node:os');
  const { startRedisServer } = await import('../lib/redis-server.mjs');
  const { fleetScaleChart } = await import('../lib/chart.mjs');
  const option = (name) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const sizes = option('sizes')?.split(',').map(Number) ?? [8, 80, 400];
  const storeModule = option('store');
  const out = option('out') ?? (storeModule ? undefined : new URL('../fleet-scale.json', import.meta.url).pathname);
  const redis = await startRedisServer();
  const rows = [];
  try {
    for (const instances of sizes) {
      const [row] = await fleetScale({ redisUrl: redis.url, sizes: [instances], ...(storeModule ? { storeModule } : {}) });
      rows.push({ ...row, loadAverageAfter: Math.round(loadavg()[0] * 10) / 10 });
      process.stdout.write(`${JSON.stringify(rows.at(-1))}\n`);
    }
  } finally {
    await redis.stop();
  }
  if (out) {
    const meta = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, store: storeModule ?? '@apiax-auth/redis' };
    writeFileSync(out, `${JSON.stringify({ meta, rows }, null, 2)}\n`);
    if (!storeModule) writeFileSync(new URL('../fleet-scale.svg', import.meta.url), fleetScaleChart(rows));
  }
  process.exit(0);
}
