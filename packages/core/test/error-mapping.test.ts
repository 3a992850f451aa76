import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { classifyGrantError } from '../src/error-mapping.js';
import { Redactor } from '../src/redaction.js';
import { startHarness } from './support/harness.js';

/** A real openid-client error, as a minifier leaves it: same object, class renamed. */
function minified<T extends Error>(error: T): T {
  Object.defineProperty(error, 'name', { value: 'L', configurable: true });
  return error;
}

async function wrongPasswordError(): Promise<unknown> {
  const { fake } = await startHarness();
  const config = new oidc.Configuration(
    { issuer: fake.issuer, token_endpoint: fake.tokenEndpoint },
    'integration-api',
    undefined,
    oidc.None(),
  );
  oidc.allowInsecureRequests(config);
  return oidc.genericGrantRequest(config, 'password', { username: 'demo', password: 'wrong' }).catch((error: unknown) => error);
}

describe('classifying openid-client errors', () => {
  // `next build` minifies server code: openid-client's `this.name = this.constructor.name` then
  // yields a short name. Classifying by name turned a wrong password into a retried "transient"
  // failure, which locks the Keycloak account.
  it('recognises a rejected login by its error code, not its class name (minified bundles)', async () => {
    const thrown = await wrongPasswordError();
    expect(thrown).toBeInstanceOf(Error);
    const context = { grant: 'password' as const, username: 'demo', redactor: new Redactor() };
    const asShipped = await classifyGrantError(thrown, context);
    const asMinified = await classifyGrantError(minified(thrown as Error), context);
    for (const failure of [asShipped, asMinified]) {
      expect(failure.kind).toBe('rejected');
      expect(failure.error).toMatchObject({ code: 'invalid_credentials', retryable: false, oauthError: 'invalid_grant' });
    }
  });

  it.each(['Client authentication with signed JWT failed: Token reuse detected', 'invalid signature algorithm'])(
    'maps the refused client assertion "%s" to assertion_rejected, never retried',
    async (description) => {
      const thrown = Object.assign(new Error('server responded with an error in the response body'), {
        code: 'OAUTH_RESPONSE_BODY_ERROR',
        error: 'invalid_client',
        error_description: description,
        status: 400,
      });
      const failure = await classifyGrantError(thrown, { grant: 'password', username: 'demo', redactor: new Redactor() });
      expect(failure.kind).toBe('rejected');
      expect(failure.error).toMatchObject({ code: 'assertion_rejected', retryable: false, oauthError: 'invalid_client' });
    },
  );
});
