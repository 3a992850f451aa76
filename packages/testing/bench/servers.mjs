// The servers under load, in their own process so the load generator does not share their event loop.
// Started by throughput.mjs; reports URLs and request bodies over IPC and exits when the parent says so.
import { createServer } from 'node:http';
import { startFakeApiax } from '../dist/index.js';

const fake = await startFakeApiax({ bruteForce: false });
const login = await fetch(fake.tokenEndpoint, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ grant_type: 'password', client_id: 'integration-api', username: 'demo', password: 'demo' }),
});
const tokens = await login.json();

// Baseline: a bare node:http server reading the body and answering a fixed JSON document, no auth.
const fixed = JSON.stringify({ ok: true, padding: 'x'.repeat(600) });
const bare = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(fixed) });
    response.end(fixed);
  });
});
await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));

process.send({
  bareUrl: `http://127.0.0.1:${bare.address().port}`,
  tokenEndpoint: fake.tokenEndpoint,
  apiUrl: `${fake.apiBaseUrl}/api/v3/rules/eval`,
  accessToken: tokens.access_token,
  refreshToken: tokens.refresh_token,
});

process.on('message', async (message) => {
  if (message?.type !== 'stop') return;
  const stats = fake.stats;
  await fake.close();
  bare.close();
  process.send({ stats });
  process.exit(0);
});
