/** The call every scenario makes: the documented rule-engine evaluation. */
export const EVAL_PATH = '/api/v3/rules/eval';
const EVAL_BODY = JSON.stringify({
  products: [{ productId: 'Custody and Payment Services', familyId: 'Financial Services' }],
  regimes: ['CAN'],
  versionFilter: 'latest',
  attributes: [{ name: 'clientStatus', value: '*(prospect|existingClient)' }],
});
const EVAL_INIT = { method: 'POST', body: EVAL_BODY, headers: { 'content-type': 'application/json' } };

/**
 * One API call through a client, reduced to what the scenarios count.
 * `waitedMs` is how long the caller waited; scenarios give the token endpoint a latency that makes a
 * call which waited for a grant stand out from one that did not.
 */
export async function callApi(client) {
  const started = performance.now();
  try {
    const response = await client.fetch(EVAL_PATH, EVAL_INIT);
    await response.arrayBuffer();
    return { ok: response.ok, status: response.status, waitedMs: performance.now() - started };
  } catch (error) {
    return { ok: false, status: 0, error: error?.code ?? error?.name ?? 'Error', waitedMs: performance.now() - started };
  }
}

/** `count` calls at once; resolves to how many failed. */
export async function burst(client, count) {
  const results = await Promise.all(Array.from({ length: count }, () => callApi(client)));
  return { calls: count, failed: results.filter((result) => !result.ok).length };
}

/**
 * Simulated time outruns real latency: a step of the clock takes microseconds, a grant takes tens of
 * milliseconds. Without this, a background refresh would "take" many simulated minutes and its token
 * would arrive expired. After a step that sent a token request, give it one grant's latency to finish
 * before time moves on, as it would in a real minute. Applied to every client alike.
 */
export async function settleGrants(fake, tokenRequestsBefore, tokenLatencyMs) {
  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  await pause(1); // a request sent in the background reaches the fake
  if (fake.stats.tokenRequests !== tokenRequestsBefore) await pause(tokenLatencyMs + 10);
}
