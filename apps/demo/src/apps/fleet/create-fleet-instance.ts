import { createApiaxAuth, type ApiaxAuth } from '@apiax-auth/core';
import { RedisTokenStore } from '@apiax-auth/redis';
import express, { type Express } from 'express';
import { createDemoClock, type DemoClock } from '../../shared/demo-clock.js';
import { demoClientOptions, type DemoMode, type Environment } from '../../shared/demo-settings.js';
import { FLEET_ENV } from '../../shared/fleet-settings.js';
import type { FleetInstanceSnapshot } from '../../shared/fleet-snapshot.js';
import { RULES_EVAL_PATH, RULES_EVAL_QUERY } from '../../shared/rules-query.js';
import { trackTokens, type TokenTracker } from '../../shared/token-fingerprint.js';
import { advanceClockHandler } from '../express-clock-route.js';

/** A fleet instance's parts: the app to serve, and what its shutdown closes. */
export interface FleetInstance {
  app: Express;
  auth: ApiaxAuth;
  clock: DemoClock;
  tokens: TokenTracker;
}

/**
 * One instance of the fleet: a plain core client whose store is the shared Redis, as every replica of a
 * service would have it. The instances share an account and a store; each has its own client, clock
 * and counters, so the dashboard can show who logged in, who refreshed and who only adopted.
 */
export function createFleetInstance(mode: DemoMode, env: Environment = process.env): FleetInstance {
  const instance = Number(env[FLEET_ENV.instance] ?? 1);
  const clock = createDemoClock();
  const store = new RedisTokenStore({
    url: env[FLEET_ENV.redisUrl],
    encryptionKey: env[FLEET_ENV.storeKey],
    // The store judges a record's age by the client's clock: a fast-forward ages records for both.
    now: clock.now,
  });
  const auth = createApiaxAuth({ ...demoClientOptions(clock, mode), env, store });
  const tokens = trackTokens(auth);
  const calls = { ok: 0, failed: 0 };

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '16kb' }));

  app.post('/rules/eval', async (_req, res) => {
    try {
      const answer = await auth.fetch(RULES_EVAL_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(RULES_EVAL_QUERY),
      });
      await answer.body?.cancel();
      if (answer.ok) calls.ok += 1;
      else calls.failed += 1;
      res.status(answer.status).json({ instance, status: answer.status });
    } catch (error) {
      calls.failed += 1;
      // Only the code: the dashboard counts failures, it does not need more (and core's messages are secret-free anyway).
      res.status(502).json({ instance, code: (error as { code?: unknown }).code ?? 'failed' });
    }
  });

  app.get('/__demo/status', (_req, res) => {
    const snapshot: FleetInstanceSnapshot = {
      instance,
      pid: process.pid,
      status: auth.status(),
      adopted: tokens.adopted(),
      lastSource: tokens.lastSource(),
      tokenFingerprint: tokens.fingerprint(),
      calls: { ...calls },
      now: clock.now(),
      clockOffsetMs: clock.offsetMs,
    };
    res.set('cache-control', 'no-store').json(snapshot);
  });

  if (mode === 'fake') app.post('/__demo/advance', advanceClockHandler(clock));

  return { app, auth, clock, tokens };
}
