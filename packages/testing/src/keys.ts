import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/** The realm's signing key: signs access tokens, published as the JWKS at `/certs`. */
export interface RealmKeys {
  readonly keyId: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** `{ keys: [publicJwk] }`, as Keycloak's `/protocol/openid-connect/certs` serves it. */
  readonly jwks: { keys: JWK[] };
}

let sharedRealmKeys: Promise<RealmKeys> | undefined;

/**
 * The RS256 key pair of the realm. One pair serves every fake in the process: RSA generation costs up to a second
 * on a loaded machine, and sharing is harmless because a token is only accepted by the fake whose issuer (port)
 * and session it names.
 */
export function realmKeys(): Promise<RealmKeys> {
  sharedRealmKeys ??= createRealmKeys();
  sharedRealmKeys.catch(() => {
    sharedRealmKeys = undefined;
  });
  return sharedRealmKeys;
}

async function createRealmKeys(): Promise<RealmKeys> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const keyId = randomUUID();
  const publicJwk = await exportJWK(publicKey);
  return {
    keyId,
    privateKey,
    publicKey,
    jwks: { keys: [{ ...publicJwk, kid: keyId, alg: 'RS256', use: 'sig' }] },
  };
}

/** Signs an access token's claims with the realm key (RS256, `typ: JWT`, the key's `kid`). */
export function signAccessToken(keys: RealmKeys, claims: JWTPayload): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: keys.keyId }).sign(keys.privateKey);
}

/**
 * Verifies an access token's signature and `exp` against the fake's clock. Resolves to its claims, or `undefined`
 * with the reason when the token is not one this realm issued or it has expired.
 */
export async function verifyAccessToken(
  keys: RealmKeys,
  token: string,
  issuer: string,
  nowMs: number,
): Promise<{ claims: JWTPayload } | { reason: string }> {
  try {
    const { payload } = await jwtVerify(token, keys.publicKey, {
      algorithms: ['RS256'],
      issuer,
      currentDate: new Date(nowMs),
      requiredClaims: ['exp', 'sid'],
    });
    return { claims: payload };
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    return { reason: code === 'ERR_JWT_EXPIRED' ? 'Token expired' : 'Token verification failed' };
  }
}
