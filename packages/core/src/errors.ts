/**
 * Every failure the client reports is an {@link ApiaxAuthError} with one of these codes.
 *
 * - `invalid_config`: an option is missing or malformed (the message names the option).
 * - `invalid_credentials`: Keycloak refused the username/password (or the account is locked). Never retried.
 * - `account_disabled`, `account_not_set_up`: the account cannot log in until an admin acts. Never retried.
 * - `client_rejected`: the client id may not use this grant, or is unknown.
 * - `assertion_rejected`: the 2FA client assertion was refused (wrong key, subject, reused `jti`...).
 * - `unreachable`, `timeout`, `server_error`, `invalid_response`: transient; retried with backoff.
 * - `origin_not_allowed`: `auth.fetch` was asked to send the token to an origin outside `allowedOrigins`.
 * - `closed`: the client was closed.
 */
export type ApiaxAuthErrorCode =
  | 'invalid_config'
  | 'invalid_credentials'
  | 'account_disabled'
  | 'account_not_set_up'
  | 'client_rejected'
  | 'assertion_rejected'
  | 'unreachable'
  | 'timeout'
  | 'server_error'
  | 'invalid_response'
  | 'origin_not_allowed'
  | 'closed';

export interface ApiaxAuthErrorOptions {
  retryable?: boolean;
  /** HTTP status of the token endpoint's answer, where there was one. */
  status?: number;
  /** The `error` field of the token endpoint's answer, where there was one. */
  oauthError?: string;
  /** A redacted cause: never the raw error of a library that may hold a secret. */
  cause?: unknown;
}

/** A registry symbol, the same in every copy of core: the mark `instanceof ApiaxAuthError` checks. */
const APIAX_AUTH_ERROR = Symbol.for('@apiax-auth/core/ApiaxAuthError');

/** The one error type of apiax-auth. Its message, cause and JSON never contain a secret. */
export class ApiaxAuthError extends Error {
  override readonly name = 'ApiaxAuthError';
  readonly code: ApiaxAuthErrorCode;
  readonly retryable: boolean;
  readonly status?: number;
  readonly oauthError?: string;

  /**
   * `instanceof` recognises an error of any copy of core. Bundlers and package managers can load two
   * copies in one process (Next.js bundle layers do), and a user's `catch` or an adapter's error handler
   * must not depend on which copy threw.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [APIAX_AUTH_ERROR]?: unknown })[APIAX_AUTH_ERROR] === true;
  }

  constructor(code: ApiaxAuthErrorCode, message: string, options: ApiaxAuthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // Non-enumerable: invisible to JSON, util.inspect and structured loggers.
    Object.defineProperty(this, APIAX_AUTH_ERROR, { value: true });
    this.code = code;
    this.retryable = options.retryable ?? false;
    if (options.status !== undefined) this.status = options.status;
    if (options.oauthError !== undefined) this.oauthError = options.oauthError;
  }

  /** Plain data for `JSON.stringify` and structured loggers: no `cause`, no stack. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      status: this.status,
      oauthError: this.oauthError,
    };
  }
}

/** Codes of rejected logins: the credentials (or the client) are wrong; sending them again cannot help. */
export const LOGIN_REJECTION_CODES: ReadonlySet<ApiaxAuthErrorCode> = new Set<ApiaxAuthErrorCode>([
  'invalid_credentials',
  'account_disabled',
  'account_not_set_up',
  'client_rejected',
  'assertion_rejected',
]);

/** Whether an error means "a login with these credentials was refused" (never retried automatically). */
export function isLoginRejection(error: ApiaxAuthError): boolean {
  return LOGIN_REJECTION_CODES.has(error.code);
}

/** Builds the `invalid_config` error; the message always names the option (and its variable). */
export function invalidConfig(option: string, problem: string): ApiaxAuthError {
  return new ApiaxAuthError('invalid_config', `Invalid apiax-auth configuration: ${option} ${problem}`);
}
