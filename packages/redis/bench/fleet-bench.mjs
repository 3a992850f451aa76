#!/usr/bin/env node
// What the shared store buys and costs, measured in one run against real parts (redis-server, the fake Apiax,
// forked Node processes), with its baseline measured in the same run:
//   1. token requests per refresh cycle for a fleet of N = 1, 2, 4, 8 instances, with the store vs without
//      (each instance its own in-memory store) under Keycloak's defaults; and, with refresh-token rotation on,
//      what a shared record without the lock does (instances that adopted one session race to refresh it and
//      end it); the fleet starts rolling: one instance first, then the others;
//   2. the latency of a warm `getAccessToken()` with the Redis store vs the memory store (median of rounds),
//      and of a renewal (expired token: lock, re-read, grant, write) for the same pair.
// Usage: pnpm --filter @apiax-auth/redis build && node bench/fleet-bench.mjs   (writes bench/results.json)
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApiaxAuth, MemoryTokenStore } from '@apiax-auth/core';
import { startFakeApiax } from '@apiax-auth/testing';
import { Redis } from 'ioredis';

const STORE_MODULE = new URL('../dist/index.js', import.meta.url).href;
const INSTANCE_SCRIPT = new URL('../test/fixtures/fleet-instance.mjs', import.meta.url);
const RESULTS = new URL('./results.json', import.meta.url);
const FLEET_SIZES = [1, 2, 4, 8];
const CYCLES = 3;
const CALLS_PER_INSTANCE = 50;
const PAST_EXPIRY_S = 1801;
const LATENCY_ROUNDS = 9;
const WARM_CALLS_PER_ROUND = 20_000;
const RENEWALS_PER_ROUND = 20;
/** Records are encrypted, as in production (the store requires a key). */
const ENCRYPTION_KEY = randomBytes(32).toString('base64');

async function main() {
  const { StoreClass } = await loadStore();
  const redis = await startRedis();
  const raw = new Redis(redis.url);
  try {
    const fleets = [];
    const modes = [
      { rotateRefreshTokens: false, store: 'memory' },
      { rotateRefreshTokens: false, store: 'redis' },
      { rotateRefreshTokens: true, store: 'redis-without-lock' },
      { rotateRefreshTokens: true, store: 'redis' },
    ];
    for (const instances of FLEET_SIZES) {
      for (const mode of modes) {
        const measured = await measureFleet({ instances, ...mode, redisUrl: redis.url, raw });
        fleets.push({ instances, ...mode, ...measured });
        log(
          `N=${instances} rotation ${mode.rotateRefreshTokens ? 'on ' : 'off'} ${mode.store.padEnd(18)}: ` +
            `${measured.coldStartTokenRequests} token requests at cold start, ${measured.tokenRequestsPerCycle} per refresh cycle ` +
            `(${measured.grants.password} logins, ${measured.grants.refresh} refreshes, ${measured.grants.failedRefreshes} refused; ` +
            `${measured.failedCalls} failed calls)`,
        );
      }
    }
    const latency = await measureLatency(StoreClass, redis.url, raw);
    const results = {
      measuredAt: new Date().toISOString(),
      machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' },
      settings: {
        cycles: CYCLES,
        callsPerInstancePerBurst: CALLS_PER_INSTANCE,
        latencyRounds: LATENCY_ROUNDS,
        warmCallsPerRound: WARM_CALLS_PER_ROUND,
        renewalsPerRound: RENEWALS_PER_ROUND,
      },
      fleets,
      latency,
    };
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    log(`written ${RESULTS.pathname}`);
  } finally {
    raw.disconnect();
    await redis.stop();
  }
}

async function loadStore() {
  try {
    const module = await import(STORE_MODULE);
    return { StoreClass: module.RedisTokenStore };
  } catch {
    throw new Error('Build the package first: pnpm --filter @apiax-auth/redis build');
  }
}

/** One fleet configuration: cold start, then CYCLES refresh cycles; counts the fake's token requests. */
async function measureFleet({ instances, store, rotateRefreshTokens, redisUrl, raw }) {
  await raw.flushall();
  const fake = await startFakeApiax({ rotateRefreshTokens });
  const fleet = await startFleet({ instances, withStore: store !== 'memory', withLock: store === 'redis', fake, redisUrl });
  try {
    let failedCalls = 0;
    // A rolling start: one instance serves first, the others join (and, sharing a store, adopt its session).
    failedCalls += await fleet.burst(CALLS_PER_INSTANCE, 1);
    failedCalls += await fleet.burst(CALLS_PER_INSTANCE);
    const coldStart = fake.stats.tokenRequests;
    const perCycle = [];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const before = fake.stats.tokenRequests;
      await fleet.advance(PAST_EXPIRY_S);
      failedCalls += await fleet.burst(CALLS_PER_INSTANCE);
      perCycle.push(fake.stats.tokenRequests - before);
    }
    const { password, refresh, failedRefreshes } = fake.stats;
    return {
      coldStartTokenRequests: coldStart,
      tokenRequestsPerCycle: median(perCycle),
      perCycle,
      grants: { password, refresh, failedRefreshes },
      failedCalls,
    };
  } finally {
    await fleet.close();
    await fake.close();
  }
}

async function startFleet({ instances, withStore, withLock, fake, redisUrl }) {
  let offset = 0;
  const children = await Promise.all(Array.from({ length: instances }, () => startInstance()));
  await Promise.all(
    children.map((child) =>
      child.request('start', {
        env: fake.env,
        redisUrl,
        encryptionKey: ENCRYPTION_KEY,
        offset,
        withStore,
        withLock,
        storeModule: STORE_MODULE,
      }),
    ),
  );
  return {
    async advance(seconds) {
      fake.advance(seconds);
      offset += seconds * 1000;
      await Promise.all(children.map((child) => child.request('setOffset', { offset })));
    },
    /** `calls` concurrent API calls on each of the first `instances` instances (default: all). */
    async burst(calls, instances = children.length) {
      const results = await Promise.all(children.slice(0, instances).map((child) => child.request('burst', { calls })));
      return results.reduce((sum, result) => sum + result.failed, 0);
    },
    async close() {
      await Promise.all(children.map((child) => child.close()));
    },
  };
}

function startInstance() {
  const child = fork(INSTANCE_SCRIPT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 1;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const instance = {
    request(type, payload = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ ...payload, type, id });
      });
    },
    async close() {
      await Promise.race([instance.request('close').catch(() => {}), exited]);
      child.kill('SIGKILL');
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (message) => {
      if (message.type === 'online') resolve(instance);
      const waiting = pending.get(message.id);
      if (waiting === undefined) return;
      pending.delete(message.id);
      if (message.error !== undefined) waiting.reject(new Error(message.error));
      else waiting.resolve(message.result);
    });
  });
}

/** Warm path and renewal path, Redis store vs memory store, interleaved rounds so load drift hits both. */
async function measureLatency(StoreClass, redisUrl, raw) {
  await raw.flushall();
  let offset = 0;
  const fake = await startFakeApiax({ now: () => Date.now() + offset });
  const clients = {
    memory: createApiaxAuth({ env: fake.env, store: new MemoryTokenStore(), now: () => Date.now() + offset }),
    redis: createApiaxAuth({
      env: fake.env,
      store: new StoreClass({ url: redisUrl, encryptionKey: ENCRYPTION_KEY }),
      now: () => Date.now() + offset,
    }),
  };
  const warm = { memory: [], redis: [] };
  const renewal = { memory: [], redis: [] };
  try {
    // Unmeasured warm-up, so the first rounds do not measure the JIT compiler.
    for (const client of Object.values(clients)) {
      for (let call = 0; call < WARM_CALLS_PER_ROUND * 3; call++) await client.getAccessToken();
    }
    for (let round = 0; round < LATENCY_ROUNDS; round++) {
      for (const name of round % 2 === 0 ? ['memory', 'redis'] : ['redis', 'memory']) {
        const client = clients[name];
        await client.getAccessToken(); // renews if the other client's renewals moved the clock past its expiry
        const started = process.hrtime.bigint();
        for (let call = 0; call < WARM_CALLS_PER_ROUND; call++) await client.getAccessToken();
        warm[name].push(Number(process.hrtime.bigint() - started) / WARM_CALLS_PER_ROUND);
      }
      for (const name of round % 2 === 0 ? ['memory', 'redis'] : ['redis', 'memory']) {
        const client = clients[name];
        const samples = [];
        for (let renewalIndex = 0; renewalIndex < RENEWALS_PER_ROUND; renewalIndex++) {
          offset += PAST_EXPIRY_S * 1000;
          fake.advance(PAST_EXPIRY_S);
          const started = process.hrtime.bigint();
          await client.getAccessToken();
          samples.push(Number(process.hrtime.bigint() - started));
        }
        renewal[name].push(median(samples));
      }
      await sleep(10);
    }
  } finally {
    await Promise.all(Object.values(clients).map((client) => client.close()));
    await fake.close();
  }
  const summary = (samples) => ({ medianNs: Math.round(median(samples)), roundsNs: samples.map(Math.round) });
  const result = {
    warmGetAccessToken: { memory: summary(warm.memory), redis: summary(warm.redis) },
    renewal: { memory: summary(renewal.memory), redis: summary(renewal.redis) },
  };
  result.warmGetAccessToken.redisOverMemory = round2(median(warm.redis) / median(warm.memory));
  result.warmGetAccessToken.addedNs = Math.round(median(warm.redis) - median(warm.memory));
  result.renewal.redisOverMemory = round2(median(renewal.redis) / median(renewal.memory));
  result.renewal.addedMs = round2((median(renewal.redis) - median(renewal.memory)) / 1e6);
  log(
    `warm getAccessToken(): memory ${ns(result.warmGetAccessToken.memory.medianNs)}, redis ${ns(result.warmGetAccessToken.redis.medianNs)} ` +
      `(x${result.warmGetAccessToken.redisOverMemory}); renewal: memory ${ns(result.renewal.memory.medianNs)}, redis ${ns(result.renewal.redis.medianNs)} ` +
      `(x${result.renewal.redisOverMemory})`,
  );
  return result;
}

async function startRedis() {
  const port = await freePort();
  const child = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  for (let attempt = 0; ; attempt++) {
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch (error) {
      if (attempt > 200) throw error;
      await sleep(50);
    }
  }
  probe.disconnect();
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function round2(value) {
  return Math.round(value * 100) / 100;
}

function ns(value) {
  return value >= 1e6 ? `${(value / 1e6).toFixed(2)} ms` : value >= 1e3 ? `${(value / 1e3).toFixed(2)} µs` : `${value} ns`;
}

function log(message) {
  process.stdout.write(`[bench] ${message}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
