import { withApiax } from '../../../lib/apiax';
import { JSON_HEADERS } from '../../../lib/rules';

export const POST = withApiax(async (request, { apiax }) => {
  const response = await apiax.fetch('/api/v3/rules/eval', {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify(await request.json()),
  });
  return Response.json(await response.json(), { status: response.status });
});
