export { RedisTokenStore } from './redis-token-store.js';
export type { RedisTokenStoreOptions } from './options.js';
export type { EncryptionKeyInput } from './encryption-keys.js';
export { RedisUnavailableError } from './redis-unavailable.js';
// Re-exported so that one install is enough to configure the store and handle its errors.
export { ApiaxAuthError } from '@apiax-auth/core';
export type {
  ApiaxAuthErrorCode,
  ApiaxAuthLogger,
  LoginRejectionRecord,
  StoredRecord,
  TokenRecord,
  TokenStore,
  TokenStoreLockOptions,
} from '@apiax-auth/core';
