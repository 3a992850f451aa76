// A plain Node script, outside any request: `import` must load @apiax-auth/next without --conditions.
import { createApiaxNext } from '@apiax-auth/next';

const { apiax } = createApiaxNext();
const response = await apiax.fetch('/api/v3/rules/eval', { method: 'POST', body: JSON.stringify({ regimes: ['CAN'], products: [] }) });
const { results } = await response.json();
if (response.status !== 200 || results.length !== 1) throw new Error(`unexpected answer ${response.status}`);
await apiax.auth.close({ logout: true });
console.log('seed.mjs: import works, 1 result');
