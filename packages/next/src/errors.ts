import { ApiaxAuthError } from '@apiax-auth/core';

/**
 * The registry shares one client across Next.js bundle layers, and each layer may hold its own copy
 * of core: an error thrown by the client may then come from another copy of `ApiaxAuthError`, which
 * `instanceof` would not recognise. Rebuilds it as this copy's class (its fields are already
 * redacted by core); anything else is rethrown untouched.
 */
export function asLocalApiaxAuthError(error: unknown): unknown {
  if (error instanceof ApiaxAuthError || !isForeignApiaxAuthError(error)) return error;
  const local = new ApiaxAuthError(error.code, error.message, {
    retryable: error.retryable,
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.oauthError === undefined ? {} : { oauthError: error.oauthError }),
    ...(error.cause === undefined ? {} : { cause: error.cause }),
  });
  if (error.stack !== undefined) local.stack = error.stack;
  return local;
}

function isForeignApiaxAuthError(error: unknown): error is ApiaxAuthError {
  return (
    error instanceof Error &&
    error.name === 'ApiaxAuthError' &&
    typeof (error as Partial<ApiaxAuthError>).code === 'string' &&
    typeof (error as Partial<ApiaxAuthError>).retryable === 'boolean'
  );
}
