import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { FakeApiax } from '../src/index.js';
import { callApi, JWT_BEARER, login, postForm, refresh, rsaKeyPairs, signAssertion, startFake } from './support/helpers.js';

// Every secret the fake is sent carries this marker, so a dump containing it anywhere has leaked one.
const CANARY = 'canary';
const CANARY_PASSWORD = `${CANARY}-pw-7f3a9c`;
const CANARY_API_KEY = `${CANARY}-apikey-51be`;

/** A fresh assertion of the 2FA client `Corp` (a secret too: a replay within its lifetime is a login). */
function corpAssertion(fake: FakeApiax, secrets: string[]): Promise<string> {
  return signAssertion(rsaKeyPairs()[0]!.privateKey, { iss: 'Corp', sub: 'Corp', aud: fake.tokenEndpoint }).then((assertion) => {
    secrets.push(assertion);
    return assertion;
  });
}

describe('no secret in the request log, stats or admin endpoints', () => {
  it('keeps passwords, tokens, refresh tokens, assertions and API keys out of every dump', async () => {
    const [key] = rsaKeyPairs();
    const fake = await startFake({
      users: [
        { username: 'demo', password: CANARY_PASSWORD },
        { username: 'corp', password: CANARY_PASSWORD, assertion: { publicKey: key!.publicKey, subject: 'Corp' } },
      ],
      apiKeys: [CANARY_API_KEY],
    });
    const secrets: string[] = [CANARY_PASSWORD, CANARY_API_KEY];
    const oidc = `${fake.issuer}/protocol/openid-connect`;

    // 1FA: login, refresh, failed login, API calls (accepted, wrong key, garbage bearer), revocations, logout.
    const { body } = await login(fake, { password: CANARY_PASSWORD });
    const refreshed = await refresh(fake, body.refresh_token);
    secrets.push(body.access_token, body.refresh_token, refreshed.body.access_token, refreshed.body.refresh_token);
    await login(fake, { password: `${CANARY_PASSWORD}-wrong` });
    expect((await callApi(fake, refreshed.body.access_token, { apikey: CANARY_API_KEY })).status).toBe(200);
    expect((await callApi(fake, refreshed.body.access_token, { apikey: `${CANARY_API_KEY}-wrong` })).status).toBe(403);
    expect((await callApi(fake, `${CANARY}-bearer`, { apikey: CANARY_API_KEY })).status).toBe(401);
    await refresh(fake, `${CANARY}-garbage-refresh`);
    await postForm(`${oidc}/revoke`, { client_id: 'integration-api', token: body.access_token });
    await postForm(`${oidc}/revoke`, { client_id: 'integration-api', token: `${CANARY}-unknown-token` });
    await postForm(`${oidc}/logout`, { client_id: 'integration-api', refresh_token: refreshed.body.refresh_token });

    // 2FA: login, refresh and logout, each with a fresh assertion; then a replayed one.
    const twoFactor = (fields: Record<string, string>, assertion: string) =>
      postForm(`${oidc}/${fields.grant_type ? 'token' : 'logout'}`, {
        ...fields,
        client_assertion_type: JWT_BEARER,
        client_assertion: assertion,
      });
    const corp = (await (
      await twoFactor({ grant_type: 'password', username: 'corp', password: CANARY_PASSWORD }, await corpAssertion(fake, secrets))
    ).json()) as Record<string, string>;
    secrets.push(corp.access_token!, corp.refresh_token!);
    const corpRefreshed = (await (
      await twoFactor({ grant_type: 'refresh_token', refresh_token: corp.refresh_token! }, await corpAssertion(fake, secrets))
    ).json()) as Record<string, string>;
    secrets.push(corpRefreshed.access_token!, corpRefreshed.refresh_token!);
    const logoutAssertion = await corpAssertion(fake, secrets);
    expect((await twoFactor({ refresh_token: corpRefreshed.refresh_token! }, logoutAssertion)).status).toBe(204);
    expect((await twoFactor({ refresh_token: corpRefreshed.refresh_token! }, logoutAssertion)).status).toBe(400);

    // Faults log the request too.
    fake.fail({ type: 'server-error' });
    await login(fake, { password: CANARY_PASSWORD });
    fake.fail({ type: 'drop' });
    await login(fake, { password: CANARY_PASSWORD }).catch(() => undefined);

    // The admin endpoint refuses a body without quoting it back.
    const adminError = await (
      await fetch(new URL('/__fake/advance', fake.issuer), { method: 'POST', body: `{"seconds": ${CANARY_PASSWORD}` })
    ).text();
    const adminStats = await (await fetch(new URL('/__fake/stats', fake.issuer))).text();
    const dumps = {
      requests: JSON.stringify(fake.requests),
      inspectedRequests: inspect(fake.requests, { depth: 5 }),
      stats: JSON.stringify(fake.stats),
      inspectedStats: inspect(fake.stats),
      adminStats,
      adminError,
    };
    expect(fake.requests.length).toBeGreaterThanOrEqual(15);
    expect(secrets.length).toBeGreaterThanOrEqual(12);
    for (const [name, dump] of Object.entries(dumps)) {
      for (const secret of secrets) expect(dump.includes(secret), `${name} holds a secret`).toBe(false);
      expect(dump, name).not.toContain(CANARY);
    }
    // The log stays useful: usernames, grant types, statuses, error codes.
    expect(fake.requests).toContainEqual(
      expect.objectContaining({ endpoint: 'token', grantType: 'password', username: 'demo', status: 401, error: 'invalid_grant' }),
    );
    expect(fake.requests).toContainEqual(expect.objectContaining({ endpoint: 'api', username: 'demo', status: 403 }));
    expect(fake.requests).toContainEqual(expect.objectContaining({ endpoint: 'logout', username: 'corp', status: 204 }));
  });
});
