// One process of the fleet-scale scenario (see fleet-scale.mjs): many instances of one app, each with its
// own client, its own RedisTokenStore and so its own Redis connections, as separate pods would have.
// Driven over IPC: `start` creates them, `go` runs their traffic, the reply carries every latency measured.
import { createApiaxAuth } from '@apiax-auth/core';
import { setTimeout as sleep } from 'node:timers/promises';

let instances = [];
/** How often each warning or error was logged (messages hold no secret): printed when BENCH_DEBUG is set. */
const logged = new Map();
const countingLogger = {
  debug() {},
  info() {},
  warn: (message) => logged.set(message, (logged.get(message) ?? 0) + 1),
  error: (message) => logged.set(message, (logged.get(message) ?? 0) + 1),
};

const handlers = {
  async start({ env, redisUrl, encryptionKey, count, storeModule }) {
    const { RedisTokenStore } = await import(storeModule);
    instances = Array.from({ length: count }, () =>
      createApiaxAuth({
        env,
        store: new RedisTokenStore({ url: redisUrl, encryptionKey, logger: countingLogger }),
        logger: countingLogger,
      }),
    );
    return {};
  },
  /** Every instance calls getAccessToken() every `intervalMs` (± jitter) until `durationMs` passed. */
  async go({ durationMs, intervalMs }) {
    const until = performance.now() + durationMs;
    const perInstance = await Promise.all(
      instances.map(async (auth) => {
        const latencies = [];
        const slow = [];
        let failed = 0;
        while (performance.now() < until) {
          const started = performance.now();
          try {
            await auth.getAccessToken();
            latencies.push(performance.now() - started);
            if (performance.now() - started > 500)
              slow.push([Math.round(started - (until - durationMs)), Math.round(performance.now() - started)]);
          } catch {
            failed += 1;
          }
          await sleep(intervalMs * (0.5 + Math.random()));
        }
        return { latencies, slow, failed, grants: auth.status().grants };
      }),
    );
    return {
      latencies: perInstance.flatMap((result) => result.latencies),
      failed: perInstance.reduce((sum, result) => sum + result.failed, 0),
      passwordGrants: perInstance.reduce((sum, result) => sum + result.grants.password, 0),
      refreshGrants: perInstance.reduce((sum, result) => sum + result.grants.refresh, 0),
      logged: Object.fromEntries(logged),
      slow: perInstance.flatMap((result) => result.slow).slice(0, 20),
    };
  },
  async close() {
    await Promise.all(instances.map((auth) => auth.close()));
    setImmediate(() => process.exit(0));
    return {};
  },
};

process.on('message', async ({ id, type, payload }) => {
  try {
    process.send({ id, result: await handlers[type](payload) });
  } catch (error) {
    process.send({ id, error: String(error?.stack ?? error) });
  }
});
process.send({ ready: true });
