export { ApiaxAuth, createApiaxAuth } from './client.js';
export type {
  ApiaxAuthEvents,
  ApiaxAuthState,
  ApiaxAuthStatus,
  ApiaxRetryEvent,
  ApiaxTokenEvent,
  CloseOptions,
  GetAccessTokenOptions,
} from './client.js';
export { ApiaxAuthError } from './errors.js';
export type { ApiaxAuthErrorCode, ApiaxAuthErrorOptions } from './errors.js';
export type { ApiaxAssertionOptions, ApiaxAuthEnv, ApiaxAuthEnvVariable, ApiaxAuthLogger, ApiaxAuthOptions, ApiaxPrivateJwk } from './options.js';
export { MemoryTokenStore } from './memory-store.js';
export { LOGIN_REJECTION_KEY_SUFFIX, parseStoredRecord, parseTokenRecord } from './store.js';
export type { LoginRejectionRecord, StoredRecord, TokenRecord, TokenStore, TokenStoreLockOptions } from './store.js';
export { createRequestContext } from './request-context.js';
export type { ApiaxRequestContext } from './request-context.js';
