import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
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
   * Verifies a client assertion as Keycloak does: type, RS256 signature with the subject's key, `iss`, one `aud`
   * (the token endpoint or the issuer), `exp` and `iat` by the fake's clock (at most 60 s old), and a never-seen
   * `jti`. Resolves to the client id (the subject) or the Keycloak error to answer.
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
    // Keycloak fails an unknown subject as it fails an unknown client_id.
    if (!client) return { error: keycloakErrors.unknownClient };

    let claims: JWTPayload;
    try {
      // Keycloak's isActive(15): `exp` and `nbf` get 15 s of clock skew here; the lifespan check below is strict.
      ({ payload: claims } = await jwtVerify(assertion, client.publicKey, {
        algorithms: ['RS256'],
        currentDate: new Date(nowMs),
        clockTolerance: ALLOWED_CLOCK_SKEW_SECONDS,
      }));
    } catch (cause) {
      if (cause instanceof joseErrors.JOSEAlgNotAllowed) return { error: keycloakErrors.invalidSignatureAlgorithm };
      return { error: assertionRejected(describeVerificationFailure(cause)) };
    }
    if (claims.iss !== client.issuer) {
      const expected = client.issuer === client.subject ? 'subject' : 'registered issuer';
      return { error: assertionRejected(`Issuer mismatch. The issuer should match the ${expected}`) };
    }
    const audiences = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
    if (!audiences.some((audience) => acceptedAudiences.includes(audience))) {
      return { error: assertionRejected("Token audience doesn't match domain") };
    }
    if (audiences.length > 1) {
      return { error: assertionRejected('Multiple audiences not allowed in the JWT token for client authentication') };
    }
    if (typeof claims.jti !== 'string' || claims.jti === '') {
      return { error: assertionRejected('Missing ID on the token') };
    }
    const lifetime = replayableUntil(claims, nowMs);
    if (typeof lifetime === 'string') return { error: assertionRejected(lifetime) };

    this.#forgetExpiredIds(nowMs);
    const replayKey = `${client.subject}\u0000${claims.jti}`;
    if (this.#usedIds.has(replayKey)) return { error: assertionRejected('Token reuse detected') };
    this.#usedIds.set(replayKey, lifetime);
    return { clientId: client.subject };
  }

  #forgetExpiredIds(nowMs: number): void {
    for (const [id, expiresAt] of this.#usedIds) if (expiresAt <= nowMs) this.#usedIds.delete(id);
  }
}

/** Keycloak's JWTClientValidator tolerates this much clock difference between the client and the server. */
const ALLOWED_CLOCK_SKEW_SECONDS = 15;
/** Keycloak's default "Max expiration of signed JWT" (`token.endpoint.auth.signing.max.exp`): an assertion is usable this long after its `iat`. */
const MAX_ASSERTION_AGE_SECONDS = 60;

/**
 * Keycloak's lifespan rules for a client assertion (JWTClientValidator): until when its `jti` must be remembered
 * (epoch ms), or why it is refused. Without `exp` it lives 25 s from `iat`; with both, at most 60 s from `iat`, so an
 * assertion signed ahead of time and kept around fails in production even before its `exp`.
 */
function replayableUntil(claims: JWTPayload, nowMs: number): number | string {
  const now = Math.floor(nowMs / 1000);
  const { exp, iat } = claims;
  const hasExp = typeof exp === 'number' && exp > 0;
  const hasIat = typeof iat === 'number' && iat > 0;
  if (!hasExp && !hasIat) return 'Token cannot be validated. Neither the exp nor the iat claim are present.';
  if (!hasExp) {
    const until = iat! + ALLOWED_CLOCK_SKEW_SECONDS + 10;
    return until - now <= 0 ? 'Token is not active' : until * 1000;
  }
  if (!hasIat) {
    if (exp - now > MAX_ASSERTION_AGE_SECONDS) {
      return 'Token expiration is too far in the future and iat claim not present in token';
    }
    return exp - now <= 0 ? 'Token is not active' : exp * 1000;
  }
  if (iat - ALLOWED_CLOCK_SKEW_SECONDS > now) return 'Token was issued in the future';
  if (Math.min(exp - now, MAX_ASSERTION_AGE_SECONDS) <= 0) return 'Token is not active';
  if (now > iat + MAX_ASSERTION_AGE_SECONDS) return 'Token was issued too far in the past to be used now';
  return Math.min(exp, now + MAX_ASSERTION_AGE_SECONDS) * 1000;
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
  if (cause instanceof joseErrors.JWTClaimValidationFailed) return 'Token is not active';
  return 'Invalid token';
}
