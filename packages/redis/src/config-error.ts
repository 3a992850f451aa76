import { ApiaxAuthError } from '@apiax-auth/core';

/**
 * The error of a misconfigured store, thrown at construction so it fails at startup. The message names the
 * option and never echoes its value: a URL may hold the Redis password, and a key is a secret.
 */
export function invalidConfig(message: string): ApiaxAuthError {
  return new ApiaxAuthError('invalid_config', `RedisTokenStore: ${message}`);
}
