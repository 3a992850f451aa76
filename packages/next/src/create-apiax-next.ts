import { ApiaxAuth, type CloseOptions, type GetAccessTokenOptions } from '@apiax-auth/core';
import { noStoreFetch } from './no-store-fetch.js';
import { forgetClient, sharedClient } from './registry.js';
import { registryKey } from './registry-key.js';
import { requireRequestTime } from './request-time.js';
import type { ApiaxNext, ApiaxNextClient, ApiaxNextOptions } from './types.js';
import { createWithApiax } from './with-apiax.js';

/**
 * Creates `apiax` and `withApiax` for a Next.js app. Call it once, in a server-only module
 * (`lib/apiax.ts`), and export the result.
 *
 * Nothing happens here: the core client is created on first use, so `next build` needs no
 * credentials and configuration errors (`invalid_config`, naming the option) surface at the first
 * call. Every call with the same options in the process (all bundle layers, every hot reload)
 * shares one client, hence one login.
 */
export function createApiaxNext(options: ApiaxNextOptions = {}): ApiaxNext {
  let computedKey: string | undefined;
  const client = (): ApiaxAuth => {
    const key = (computedKey ??= registryKey(options));
    return sharedClient(key, () => new RegisteredApiaxAuth(options, key));
  };

  const apiax: ApiaxNextClient = {
    get auth() {
      return client();
    },
    async getAccessToken(getOptions?: GetAccessTokenOptions) {
      await requireRequestTime();
      return client().getAccessToken(getOptions);
    },
    async fetch(input: string | URL | Request, init?: RequestInit) {
      await requireRequestTime();
      return client().fetch(input, init);
    },
  };
  return { apiax, withApiax: createWithApiax(apiax) };
}

/** The core client as the registry holds it: no Next.js cache on any request, and leaves the registry when closed. */
class RegisteredApiaxAuth extends ApiaxAuth {
  readonly #registryKey: string;

  constructor(options: ApiaxNextOptions, registryKey: string) {
    super({ ...options, fetch: noStoreFetch(options.fetch) });
    this.#registryKey = registryKey;
  }

  override async close(options?: CloseOptions): Promise<void> {
    forgetClient(this.#registryKey, this);
    return super.close(options);
  }
}
