'use server';

import { ApiaxAuthError } from '@apiax-auth/next';
import { apiax } from '../lib/apiax';
import { evalQuery, JSON_HEADERS, summarize, type RuleSummary } from '../lib/rules';

/** Whatever a server action returns goes to the browser: rule data and error codes only, never a token. */
export async function evaluateRules(regime: string): Promise<RuleSummary> {
  try {
    const response = await apiax.fetch('/api/v3/rules/eval', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify(evalQuery(regime)),
    });
    if (!response.ok) return { ok: false, code: `http_${response.status}` };
    return summarize(await response.json());
  } catch (error) {
    if (error instanceof ApiaxAuthError) return { ok: false, code: error.code };
    throw error;
  }
}
