import { randomUUID } from 'node:crypto';
import { RULES_INSPECT_PATH, rulesInspectQuery } from '../../../../src/shared/rules-query.js';
import { withApiax } from '../../../../lib/apiax.js';

/**
 * `POST /api/rules/inspect`: the route-handler side of the Next adapter (`withApiax`), for curl:
 * lists the rule sets the account can see. The answer is the rule engine's, not a token.
 */
export const POST = withApiax(async (_request, { apiax }) => {
  const answer = await apiax.fetch(RULES_INSPECT_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(rulesInspectQuery(randomUUID())),
  });
  return new Response(answer.body, {
    status: answer.status,
    headers: { 'content-type': answer.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' },
  });
});
