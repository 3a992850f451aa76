import type { ApiaxRouteContext } from '@apiax-auth/next';
import type { NextRequest } from 'next/server';
import { withApiax } from '../../../../lib/apiax';
import { evalQuery, JSON_HEADERS, summarize } from '../../../../lib/rules';

// Next's `params` reach the handler next to `apiax`.
export const GET = withApiax(async (_request: NextRequest, { apiax, params }: ApiaxRouteContext<{ regime: string }>) => {
  const { regime } = await params;
  const response = await apiax.fetch('/api/v3/rules/eval', {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify(evalQuery(regime)),
  });
  return Response.json({ regime, ...summarize(await response.json()) });
});
