// Instrumentation is bundled apart from the routes. If it shares their client (the registry on
// globalThis), this listener sees the logins the routes trigger; the e2e test counts these lines.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { apiax } = await import('./lib/apiax');
  apiax.auth.on('token', (event) => {
    console.log(`[fixture] apiax token grant=${event.grant} reason=${event.reason}`);
  });
}
