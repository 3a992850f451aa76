import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { callApi, login, postForm, refresh, rsaKeyPairs, signAssertion, startFake } from './helpers.js';

const CANARY_PASSWORD = 'canary-pw-7f3a9c';

describe('no secret in the request log or stats', () => {
  it('keeps passwords, tokens, refresh tokens and assertions out of requests, stats and /__fake/stats', async () => {
    const [key] = rsaKeyPairs();
    const fake = await startFake({
      users: [
        { username: 'demo', password: CANARY_PASSWORD },
        { username: 'corp', password: CANARY_PASSWORD, assertion: { publicKey: key!.publicKey, subject: 'Corp' } },
      ],
    });
    const secrets: string[] = [CANARY_PASSWORD];
    const { body } = await login(fake, { password: CANARY_PASSWORD });
    secrets.push(body.access_token, body.refresh_token);
    const refreshed = await refresh(fake, body.refresh_token);
    secrets.push(refreshed.body.access_token, refreshed.body.refresh_token);
    await login(fake, { password: `${CANARY_PASSWORD}-wrong` });
    await callApi(fake, refreshed.body.access_token);
    await refresh(fake, 'garbage-refresh-canary');
    const assertion = await signAssertion(key!.privateKey, { iss: 'Corp', sub: 'Corp', aud: fake.tokenEndpoint });
    secrets.push(assertion);
    await postForm(fake.tokenEndpoint, {
      grant_type: 'password',
      username: 'corp',
      password: CANARY_PASSWORD,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
    await postForm(`${fake.issuer}/protocol/openid-connect/revoke`, { client_id: 'integration-api', token: body.access_token });
    await postForm(`${fake.issuer}/protocol/openid-connect/logout`, {
      client_id: 'integration-api',
      refresh_token: refreshed.body.refresh_token,
    });
    fake.fail({ type: 'server-error' });
    await login(fake, { password: CANARY_PASSWORD });

    const adminStats = await (await fetch(new URL('/__fake/stats', fake.issuer))).text();
    const dumps = [JSON.stringify(fake.requests), JSON.stringify(fake.stats), inspect(fake.requests, { depth: 5 }), adminStats];
    expect(fake.requests.length).toBeGreaterThanOrEqual(9);
    for (const dump of dumps) {
      for (const secret of [...secrets, 'garbage-refresh-canary', `${CANARY_PASSWORD}-wrong`]) {
        expect(dump).not.toContain(secret);
      }
      expect(dump).not.toContain('canary');
    }
    // The log stays useful: usernames, grant types, statuses, error codes.
    expect(fake.requests).toContainEqual(
      expect.objectContaining({ endpoint: 'token', grantType: 'password', username: 'demo', status: 401, error: 'invalid_grant' }),
    );
  });
});
