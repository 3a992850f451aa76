/** Reading what an OAuth error carries: openid-client's error fields, or the `Response` behind it. */

/** openid-client's (oauth4webapi's) error codes: stable across versions, unlike class names in a bundle. */
export const RESPONSE_BODY_ERROR = 'OAUTH_RESPONSE_BODY_ERROR';
export const WWW_AUTHENTICATE_CHALLENGE = 'OAUTH_WWW_AUTHENTICATE_CHALLENGE';

/** The `{ error, error_description }` of a refused token request, with its status. */
export interface OAuthErrorBody {
  error: string;
  error_description: string | undefined;
  status: number;
}

/**
 * The `{ error, error_description }` of a 4xx answer: from openid-client's `ResponseBodyError`, or
 * read from the response of a `WWWAuthenticateChallengeError` (a 401 with `WWW-Authenticate`,
 * which openid-client raises before looking at the JSON body).
 */
export async function oauthErrorBody(thrown: unknown): Promise<OAuthErrorBody | undefined> {
  // Recognised by `code`, never by `name`: openid-client sets `name` from the class name, which a
  // bundler's minifier renames (`next build` does), and a renamed OAuth error would look transient:
  // a wrong password retried until Keycloak locks the account.
  const error = thrown as { code?: unknown; error?: unknown; error_description?: unknown; status?: unknown } | null;
  if (error?.code === RESPONSE_BODY_ERROR && typeof error.error === 'string' && typeof error.status === 'number') {
    return {
      error: error.error,
      error_description: typeof error.error_description === 'string' ? error.error_description : undefined,
      status: error.status,
    };
  }
  if (error?.code === WWW_AUTHENTICATE_CHALLENGE) {
    const response = responseOf(thrown);
    if (response === undefined) return undefined;
    try {
      const json = (await response.clone().json()) as { error?: unknown; error_description?: unknown };
      if (typeof json.error === 'string' && json.error !== '') {
        return {
          error: json.error,
          error_description: typeof json.error_description === 'string' ? json.error_description : undefined,
          status: response.status,
        };
      }
    } catch {
      // Not JSON: fall through to the status-based classification.
    }
  }
  return undefined;
}

/** The `Response` a library error carries (openid-client puts it in `cause` or `response`). */
export function responseOf(thrown: unknown): Response | undefined {
  const error = thrown as { cause?: unknown; response?: unknown } | null;
  if (isResponse(error?.response)) return error.response;
  if (isResponse(error?.cause)) return error.cause;
  return undefined;
}

/**
 * Any fetch's `Response`, as openid-client itself recognises one: a `fetch` option from the `undici`
 * package, or a bundled copy, answers with another class than the global `Response`.
 */
function isResponse(value: unknown): value is Response {
  return value instanceof Response || Object.prototype.toString.call(value) === '[object Response]';
}
