import { createApiaxAuth } from '@apiax-auth/core';

/** apiax-auth as a user configures it: defaults, the fake's endpoints, the shared clock. */
export const apiaxAuthClient = {
  name: 'apiax-auth',
  /** @param {import('./types.mjs').ClientSetup} setup */
  create({ fake, username, password, now, store }) {
    const auth = createApiaxAuth({
      username,
      password,
      issuer: fake.issuer,
      tokenEndpoint: fake.tokenEndpoint,
      apiBaseUrl: fake.apiBaseUrl,
      apiKey: fake.env.APIAX_API_KEY,
      now,
      store,
    });
    return {
      fetch: (path, init) => auth.fetch(path, init),
      close: () => auth.close(),
    };
  },
};
