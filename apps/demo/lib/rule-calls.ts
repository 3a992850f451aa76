import 'server-only';
import { ApiaxAuthError } from '@apiax-auth/core';
import type { AdapterName } from '../src/shared/app-snapshot.js';
import { RULES_EVAL_PATH, RULES_EVAL_QUERY, summarizeEvaluation } from '../src/shared/rules-query.js';
import { apiax, nextTimeline } from './apiax.js';
import { readDemoEnvironment } from './demo-env.js';
import type { CallResult } from './dashboard-types.js';

const CALL_TIMEOUT_MS = 60_000;

/** The Next adapter's way: `apiax.fetch` straight from the server. */
export async function evaluateWithNext(): Promise<CallResult> {
  nextTimeline(); // listening before the first grant, so the login shows on the timeline
  return timed('next', async () => {
    const answer = await apiax.fetch(RULES_EVAL_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(RULES_EVAL_QUERY),
    });
    return { status: answer.status, body: await readJson(answer) };
  });
}

/** Asks the Express or the Nest app to call the rule engine with its own client. */
export async function evaluateThrough(adapter: 'express' | 'nest'): Promise<CallResult> {
  const environment = readDemoEnvironment();
  const baseUrl = adapter === 'express' ? environment.expressUrl : environment.nestUrl;
  return timed(adapter, async () => {
    if (baseUrl === null) throw new Error(`no URL for the ${adapter} app`);
    const answer = await fetch(`${baseUrl}/rules/eval`, {
      method: 'POST',
      cache: 'no-store',
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    return { status: answer.status, body: await readJson(answer) };
  });
}

async function timed(via: AdapterName, call: () => Promise<{ status: number; body: unknown }>): Promise<CallResult> {
  const startedAt = performance.now();
  const at = Date.now();
  try {
    const { status, body } = await call();
    const durationMs = Math.round(performance.now() - startedAt);
    const ok = status >= 200 && status < 300;
    return { via, ok, status, durationMs, summary: ok ? summarizeEvaluation(body) : describeFailure(body), at };
  } catch (error) {
    const durationMs = Math.round(performance.now() - startedAt);
    // ApiaxAuthError messages are secret-free by contract; anything else is reduced to its message.
    const summary = error instanceof ApiaxAuthError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : 'failed';
    return { via, ok: false, status: null, durationMs, summary, at };
  }
}

function describeFailure(body: unknown): string {
  if (typeof body === 'object' && body !== null) {
    // problem+json from the adapters' error handlers ({code, detail}), or the rule engine's own error.
    const { code, detail, error, message, error_description: description } = body as Record<string, unknown>;
    const parts = [code ?? error, detail ?? message ?? description].filter((part): part is string => typeof part === 'string');
    if (parts.length > 0) return parts.join(': ');
  }
  return 'the rule engine refused the call';
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
