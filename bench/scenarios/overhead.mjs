import { startFakeApiax } from '@apiax-auth/testing';
import { summarize } from '../lib/stats.mjs';
import { callApi } from '../lib/traffic.mjs';

const CONCURRENCY = 32;

/**
 * Scenario 4 — overhead: warm calls through each client against bare `fetch` with a fixed
 * `Authorization` header, same fake, same run. Rounds rotate the order so drift hits everyone alike;
 * the ratio to bare fetch is taken per round, then its median.
 */
export async function overhead(clientKinds, { quick }) {
  const rounds = quick ? 3 : 5;
  const seconds = quick ? 1 : 2;
  const fake = await startFakeApiax({ bruteForce: false });
  const contenders = [{ name: 'bare fetch + fixed header', client: await bareFetch(fake) }];
  for (const kind of clientKinds) {
    contenders.push({ name: kind.name, client: kind.create({ fake, username: 'demo', password: 'demo', now: Date.now }) });
  }
  try {
    for (const { client } of contenders) await callApi(client); // warm: token in hand, connections open
    const perRound = contenders.map(() => []);
    for (let round = 0; round < rounds; round += 1) {
      for (let offset = 0; offset < contenders.length; offset += 1) {
        const index = (round + offset) % contenders.length;
        perRound[index].push(await requestsPerSecond(contenders[index].client, seconds));
      }
    }
    const baseline = perRound[0];
    return contenders.map(({ name }, index) => ({
      name,
      requestsPerSecond: summarize(perRound[index]),
      ratioToBareFetch: summarize(perRound[index].map((value, round) => value / baseline[round])),
    }));
  } finally {
    for (const { client } of contenders) await client.close();
    await fake.close();
  }
}

async function bareFetch(fake) {
  // The token a user would paste into a fixed header: obtained once, outside the measurement.
  const form = new URLSearchParams({ grant_type: 'password', client_id: 'integration-api', username: 'demo', password: 'demo' });
  const { access_token: accessToken } = await (await fetch(fake.tokenEndpoint, { method: 'POST', body: form })).json();
  return {
    fetch: (path, init = {}) =>
      fetch(new URL(path, fake.apiBaseUrl), { ...init, headers: { ...init.headers, authorization: `Bearer ${accessToken}` } }),
    close: async () => {},
  };
}

async function requestsPerSecond(client, seconds) {
  const deadline = performance.now() + seconds * 1000;
  let completed = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const result = await callApi(client);
      if (result.ok) completed += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return completed / ((performance.now() - started) / 1000);
}
