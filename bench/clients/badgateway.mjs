import { OAuth2Client, OAuth2Fetch } from '@badgateway/oauth2-client';

/**
 * The peer library: `OAuth2Fetch` with its password grant, configured as its README shows.
 * It reads `Date.now()` (no injectable clock): simulated-time scenarios fake `Date.now` for everyone.
 * Its refresh timer is real-time, so it is turned off where time is simulated (`scheduleRefresh: false`).
 */
export const badgatewayClient = {
  name: '@badgateway/oauth2-client',
  /** @param {import('./types.mjs').ClientSetup} setup */
  create({ fake, username, password, simulatedTime }) {
    const client = new OAuth2Client({
      server: new URL(fake.issuer).origin,
      tokenEndpoint: fake.tokenEndpoint,
      clientId: 'integration-api',
    });
    const oauth2Fetch = new OAuth2Fetch({
      client,
      getNewToken: () => client.password({ username, password }),
      scheduleRefresh: !simulatedTime,
      onError: () => {},
    });
    const headers = fake.env.APIAX_API_KEY ? { Apikey: fake.env.APIAX_API_KEY } : {};
    return {
      fetch: (path, init = {}) => oauth2Fetch.fetch(new URL(path, fake.apiBaseUrl), { ...init, headers: { ...headers, ...init.headers } }),
      close: async () => {},
    };
  },
};
