import * as oidc from 'openid-client';

/**
 * The loop users write by hand on openid-client: keep the token in a variable, refresh it when it has
 * expired, log in again when the refresh fails. No coordination between concurrent callers, no margin,
 * no retry. This is the baseline apiax-auth replaces.
 */
export const openidClientLoop = {
  name: 'hand-written openid-client loop',
  /** @param {import('./types.mjs').ClientSetup} setup */
  create({ fake, username, password, now }) {
    const config = new oidc.Configuration(
      { issuer: fake.issuer, token_endpoint: fake.tokenEndpoint },
      'integration-api',
      undefined,
      oidc.None(),
    );
    oidc.allowInsecureRequests(config);
    let token = null;
    let expiresAt = 0;

    async function accessToken() {
      if (token && now() < expiresAt) return token.access_token;
      if (token?.refresh_token) {
        try {
          token = await oidc.refreshTokenGrant(config, token.refresh_token);
        } catch {
          token = await oidc.genericGrantRequest(config, 'password', { username, password });
        }
      } else {
        token = await oidc.genericGrantRequest(config, 'password', { username, password });
      }
      expiresAt = now() + token.expires_in * 1000;
      return token.access_token;
    }

    return {
      fetch: async (path, init = {}) => {
        const headers = { ...init.headers, authorization: `Bearer ${await accessToken()}` };
        if (fake.env.APIAX_API_KEY) headers.apikey = fake.env.APIAX_API_KEY;
        return fetch(new URL(path, fake.apiBaseUrl), { ...init, headers });
      },
      close: async () => {},
    };
  },
};
