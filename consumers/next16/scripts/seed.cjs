// The same from CommonJS: `require` must load @apiax-auth/next without --conditions.
const { createApiaxNext } = require('@apiax-auth/next');

async function main() {
  const { apiax } = createApiaxNext();
  const response = await apiax.fetch('/api/v3/rules/eval', {
    method: 'POST',
    body: JSON.stringify({ regimes: ['CAN', 'CHE'], products: [] }),
  });
  const { results } = await response.json();
  if (response.status !== 200 || results.length !== 2) throw new Error(`unexpected answer ${response.status}`);
  await apiax.auth.close({ logout: true });
  console.log('seed.cjs: require works, 2 results');
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
