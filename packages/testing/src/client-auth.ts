import type { FakeContext } from './context.js';
import type { FormParameters } from './form.js';
import { assertionRejected, keycloakErrors, type KeycloakError } from './keycloak-errors.js';

/**
 * Authenticates the client of a token, logout or revocation request: either the public 1FA client by
 * `client_id`, or a 2FA client by a signed client assertion (then the client id is the assertion's `sub`).
 */
export async function authenticateClient(
  context: FakeContext,
  form: FormParameters,
): Promise<{ clientId: string } | { error: KeycloakError }> {
  const assertionType = form.get('client_assertion_type');
  const assertion = form.get('client_assertion');
  const clientId = form.get('client_id');
  if (assertionType !== undefined || assertion !== undefined) {
    const verified = await context.assertions.verify(
      assertionType,
      assertion,
      [context.tokenEndpoint, context.issuer],
      context.clock.now(),
    );
    // Current Keycloak refuses a client_id naming another client than the assertion's subject.
    if ('clientId' in verified && clientId && clientId !== verified.clientId) {
      return { error: assertionRejected('client_id parameter not matching with client from JWT token') };
    }
    return verified;
  }
  if (!clientId) return { error: keycloakErrors.missingClientId };
  if (clientId === context.clientId) return { clientId };
  // A 2FA client is confidential: it must prove itself with an assertion.
  if (context.assertions.isRegistered(clientId)) return { error: keycloakErrors.missingClientAssertionType };
  return { error: keycloakErrors.unknownClient };
}
