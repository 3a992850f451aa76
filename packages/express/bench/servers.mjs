// The servers under load, in their own process so the load generator does not share their event loop.
// Started by overhead.mjs; reports its URLs over IPC and exits when the parent says so.
import { createServer } from 'node:http';
import { startFakeApiax } from '@apiax-auth/testing';
import express from 'express';
import { apiaxAuth } from '../dist/index.js';

const evalBody = JSON.stringify({
  products: [{ productId: 'Custody and Payment Services', familyId: 'Financial Services' }],
  regimes: ['CAN'],
  versionFilter: 'latest',
  attributes: [{ name: 'clientStatus', value: '*(prospect|existingClient)' }],
});

function listen(app) {
  const server = createServer(app);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` })),
  );
}

const ping = (_req, res) => res.json({ ok: true });
const fake = await startFakeApiax();
const options = {
  issuer: fake.issuer,
  apiBaseUrl: fake.apiBaseUrl,
  username: fake.env.APIAX_USERNAME,
  password: fake.env.APIAX_PASSWORD,
  env: {},
};

// 1. bare Express, 2. the same with apiaxAuth() attached but never called.
const bare = express();
bare.get('/ping', ping);
// A second bare app: bare vs bare shows how much the machine alone moves the ratio (the noise floor).
const bareTwin = express();
bareTwin.get('/ping', ping);
const attachedMiddleware = apiaxAuth(options);
const attached = express();
attached.use(attachedMiddleware);
attached.get('/ping', ping);

// 3. the rule engine through req.apiax.fetch, 4. the same call with a token fixed in a header.
const viaMiddleware = apiaxAuth(options);
const viaApiax = express();
viaApiax.use(viaMiddleware);
viaApiax.get('/eval', async (req, res) => {
  const r = await req.apiax.fetch('/api/v3/rules/eval', { method: 'POST', body: evalBody });
  res
    .status(r.status)
    .type('json')
    .send(await r.text());
});
const fixedToken = await viaMiddleware.auth.getAccessToken();
const fixedHeader = express();
fixedHeader.get('/eval', async (_req, res) => {
  const r = await fetch(`${fake.apiBaseUrl}/api/v3/rules/eval`, {
    method: 'POST',
    headers: { authorization: `Bearer ${fixedToken}`, 'content-type': 'application/json' },
    body: evalBody,
  });
  res
    .status(r.status)
    .type('json')
    .send(await r.text());
});

const servers = {
  bare: await listen(bare),
  bareTwin: await listen(bareTwin),
  attached: await listen(attached),
  viaApiax: await listen(viaApiax),
  fixedHeader: await listen(fixedHeader),
};
process.send({ type: 'ready', urls: Object.fromEntries(Object.entries(servers).map(([name, { url }]) => [name, url])) });

process.on('message', async (message) => {
  if (message.type !== 'stop') return;
  for (const { server } of Object.values(servers)) {
    server.closeAllConnections();
    server.close();
  }
  await attachedMiddleware.auth.close();
  await viaMiddleware.auth.close();
  const stats = { ...fake.stats };
  await fake.close();
  process.send({ type: 'stopped', stats }, () => process.exit(0));
});
