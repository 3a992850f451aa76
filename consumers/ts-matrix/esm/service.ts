// An Express service using every package a backend uses, type-checked under each tsconfig.*.json.
// The same file as src/service.ts, in an ES module package scope (`nodenext` from ESM).
import express from 'express';
import { apiaxAuth, apiaxErrorHandler } from '@apiax-auth/express';
import { createApiaxAuth, type ApiaxAssertionOptions, type ApiaxAuthOptions } from '@apiax-auth/core';
import { RedisTokenStore } from '@apiax-auth/redis';
import { startFakeApiax } from '@apiax-auth/testing';

// exactOptionalPropertyTypes: an unset variable is `string | undefined`, and the options take it.
const store = new RedisTokenStore({ url: process.env.REDIS_URL });
const auth = createApiaxAuth({ username: process.env.APIAX_USERNAME, password: process.env.APIAX_PASSWORD, store });

// The private key's type is a real type, never `any`: a number is refused.
// @ts-expect-error a private key is a PEM string, a KeyObject or a JWK
const wrongKey: ApiaxAssertionOptions['privateKey'] = 42;
const options: ApiaxAuthOptions = { assertion: { privateKey: process.env.APIAX_ASSERTION_KEY ?? '', subject: 'MyCompany' } };

const app = express();
app.use(express.json());
app.use(apiaxAuth({ apiKey: process.env.APIAX_API_KEY }));
app.post('/eval', async (req, res) => {
  const response = await req.apiax.fetch('/api/v3/rules/eval', { method: 'POST', body: JSON.stringify(req.body) });
  const token: string = await req.apiax.getAccessToken();
  res.status(response.status).json({ answer: await response.json(), tokenLength: token.length });
});
app.use(apiaxErrorHandler());

export async function selfTest(): Promise<number> {
  const fake = await startFakeApiax({ users: [{ username: 'u', password: 'p' }] });
  const client = createApiaxAuth({ env: fake.env });
  const response = await client.fetch('/api/v3/rules/eval', { method: 'POST', body: '{}' });
  await client.close();
  await fake.close();
  return response.status;
}

export { app, auth, options, wrongKey };
