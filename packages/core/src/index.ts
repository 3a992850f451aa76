export { ApiaxAuth, createApiaxAuth } from './client.js';
export type { CloseOptions, GetAccessTokenOptions } from './client.js';
export type { ApiaxAuthEvents, ApiaxAuthState, ApiaxAuthStatus, ApiaxRetryEvent, ApiaxTokenEvent } from './events.js';
export type { ApiaxClock } from './clock.js';
export { ApiaxAuthError } from './errors.js';
export type { ApiaxAuthErrorCode, ApiaxAuthErrorOptions } from './errors.js';
export type {
  ApiaxAssertionOptions,
  ApiaxAuthEnv,
  ApiaxAuthEnvVariable,
  ApiaxAuthLogger,
  ApiaxAuthNestLikeLogger,
  ApiaxAuthOptions,
  ApiaxPrivateJwk,
} from './option-types.js';
export { MemoryTokenStore } from './memory-store.js';
export { FileTokenStore, type FileTokenStoreOptions } from './file-store.js';
export { LOGIN_REJECTION_KEY_SUFFIX, parseStoredRecord, parseTokenRecord } from './store.js';
export type { LoginRejectionRecord, StoredRecord, TokenRecord, TokenStore, TokenStoreLockOptions } from './store.js';
export { PROBLEM_HEADERS, problemResponse, toProblemDetails } from './problem-details.js';
export type { ApiaxProblemDetails } from './problem-details.js';
export { createRequestContext } from './request-context.js';
export type { ApiaxRequestContext } from './request-context.js';
export type { ApiaxHealth, ApiaxHealthBody, ApiaxHealthReport, ApiaxStoreState } from './health.js';
export { healthReport } from './health.js';
