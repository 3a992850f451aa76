import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { assertionRejected, keycloakErrors, type KeycloakError } from './keycloak-errors.js';
import type { FakeAssertionRegistration } from './types.js';

/** The only `client_assertion_type` Keycloak's signed-JWT client authenticator accepts. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface RegisteredClient {
  readonly subject: string;
  readonly issuer: string;
  readonly publicKey: KeyObject;
}

/**
 * Keycloak's "Signed JWT" client authenticator: the clients (assertion subjects) registered with a public key, and
 * the `jti`s already seen, so an assertion is good for one request only.
 */
export class ClientAssertionVerifier {
  readonly #clients = new Map<string, RegisteredClient>();
  /** jti → expiry (epoch ms): kept until the assertion could no longer be replayed anyway. */
  readonly #usedIds = new Map<string, number>();

  /** Registers the client of a 2FA user. Throws a `TypeError` naming the user for a key that is not RSA. */
  register(username: string, registration: FakeAssertionRegistration): void {
    if (!registration.subject) throw new TypeError(`users[${username}].assertion.subject is required`);
    let publicKey: KeyObject;
    try {
      publicKey = toPublicKey(registration.publicKey);
    } catch (cause) {
      throw new TypeError(`users[${username}].assertion.publicKey is not a usable public key`, { cause });
    }
    if (publicKey.asymmetricKeyType !== 'rsa') {
      throw new TypeError(`users[${username}].assertion.publicKey must be an RSA key (RS256)`);
    }
    this.#clients.set(registration.subject, {
      subject: registration.subject,
      issuer: registration.issuer ?? registration.subject,
      publicKey,
    });
  }

  /** Whether `clientId` is a registered assertion subject (then it may only authenticate with an assertion). */
  isRegistered(clientId: string): boolean {
    return this.#clients.has(clientId);
  }

  /**
   * Verifies a client assertion as Keycloak does: type, RS256 signature with the subject's key, `iss`, `aud` (the
   * token endpoint or the issuer), `exp` by the fake's clock, and a never-seen `jti`. Resolves to the client id
   * (the subject) or the Keycloak error to answer.
   */
  async verify(
    assertionType: string | undefined,
    assertion: string | undefined,
    acceptedAudiences: string[],
    nowMs: number,
  ): Promise<{ clientId: string } | { error: KeycloakError }> {
    if (!assertionType) return { error: keycloakErrors.missingClientAssertionType };
    if (assertionType !== JWT_BEARER_ASSERTION_TYPE) {
      return {
        error: {
          ...keycloakErrors.missingClientAssertionType,
          description: `Parameter client_assertion_type has value '${assertionType}' but expected is '${JWT_BEARER_ASSERTION_TYPE}'`,
        },
      };
    }
    if (!assertion) return { error: assertionRejected('client_assertion parameter missing') };

    let subject: string | undefined;
    try {
      decodeProtectedHeader(assertion);
      subject = decodeJwt(assertion).sub;
    } catch {
      return { error: assertionRejected('Invalid token') };
    }
    if (!subject) return { error: assertionRejected("Can't identify client. Subject missing on JWT token") };
    const client = this.#clients.get(subject);
    if (!client) return { error: assertionRejected('Client not found') };

    let claims;
    try {
      ({ payload: claims } = await jwtVerify(assertion, client.publicKey, {
        algorithms: ['RS256'],
        currentDate: new Date(nowMs),
      }));
    } catch (cause) {
      return { error: assertionRejected(describeVerificationFailure(cause)) };
    }
    if (claims.iss !== client.issuer) return { error: assertionRejected('Issuer mismatch') };
    const audiences = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
    if (!audiences.some((audience) => acceptedAudiences.includes(audience))) {
      return { error: assertionRejected("Token audience doesn't match domain") };
    }
    if (typeof claims.exp !== 'number') return { error: assertionRejected('Token is not active') };
    if (typeof claims.jti !== 'string' || claims.jti === '') {
      return { error: assertionRejected('Missing ID on the token') };
    }

    this.#forgetExpiredIds(nowMs);
    const replayKey = `${client.subject}\u0000${claims.jti}`;
    if (this.#usedIds.has(replayKey)) return { error: assertionRejected('Token reuse detected') };
    this.#usedIds.set(replayKey, claims.exp * 1000);
    return { clientId: client.subject };
  }

  #forgetExpiredIds(nowMs: number): void {
    for (const [id, expiresAt] of this.#usedIds) if (expiresAt <= nowMs) this.#usedIds.delete(id);
  }
}

function toPublicKey(key: FakeAssertionRegistration['publicKey']): KeyObject {
  if (typeof key === 'string') return createPublicKey(key);
  if (isKeyObject(key)) return key.type === 'public' ? key : createPublicKey(key);
  return createPublicKey({ key: key as JsonWebKey, format: 'jwk' });
}

function isKeyObject(key: unknown): key is KeyObject {
  return typeof key === 'object' && key !== null && 'asymmetricKeyType' in key && 'export' in key;
}

function describeVerificationFailure(cause: unknown): string {
  if (cause instanceof joseErrors.JWTExpired) return 'Token is not active';
  if (cause instanceof joseErrors.JWSSignatureVerificationFailed) return 'Signature on JWT token failed validation';
  if (cause instanceof joseErrors.JOSEAlgNotAllowed) return 'Invalid token algorithm';
  if (cause instanceof joseErrors.JWTClaimValidationFailed) return 'Token is not active';
  return 'Invalid token';
}
