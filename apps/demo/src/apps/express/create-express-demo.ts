import { apiaxAuth, apiaxErrorHandler, type ApiaxAuth } from '@apiax-auth/express';
import express, { type Express } from 'express';
import { recordAuthEvents, type AuthEventLog } from '../../shared/auth-event-log.js';
import { takeSnapshot } from '../../shared/app-snapshot.js';
import { createDemoClock, type DemoClock } from '../../shared/demo-clock.js';
import { demoClientOptions, type DemoMode, type Environment } from '../../shared/demo-settings.js';
import { RULES_EVAL_PATH, RULES_EVAL_QUERY } from '../../shared/rules-query.js';
import { advanceClockHandler } from '../express-clock-route.js';

export interface ExpressDemo {
  app: Express;
  /** The middleware's core client: for shutdown. */
  auth: ApiaxAuth;
  clock: DemoClock;
  log: AuthEventLog;
}

/**
 * The Express app of the demo: one middleware, one route calling the rule engine with
 * `req.apiax.fetch`, and the small status/clock endpoints the dashboard uses.
 */
export function createExpressDemo(mode: DemoMode, env: Environment = process.env): ExpressDemo {
  const clock = createDemoClock();
  const middleware = apiaxAuth({ ...demoClientOptions(clock, mode), env });
  const log = recordAuthEvents(middleware.auth, 'express', clock.now);

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '16kb' }));
  app.use(middleware);

  app.post('/rules/eval', async (req, res) => {
    const answer = await req.apiax.fetch(RULES_EVAL_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(RULES_EVAL_QUERY),
    });
    res.status(answer.status).json(await readBody(answer));
  });

  app.get('/__demo/status', (_req, res) => {
    res.set('cache-control', 'no-store').json(takeSnapshot('express', middleware.auth, clock, log));
  });

  if (mode === 'fake') app.post('/__demo/advance', advanceClockHandler(clock));

  // A client failure (no token could be had) becomes problem+json with its code: never a secret.
  app.use(apiaxErrorHandler());
  return { app, auth: middleware.auth, clock, log };
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { error: 'non-JSON answer', status: response.status };
  }
}
