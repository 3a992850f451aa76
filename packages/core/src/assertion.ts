import { createPrivateKey, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { invalidConfig } from './errors.js';

/** The 2FA settings after validation: the key is parsed once, at construction. */
export interface ResolvedAssertion {
  privateKey: KeyObject;
  subject: string;
  issuer: string;
  lifetimeSeconds: number;
}

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * Parses the 2FA private key once, at construction, so a bad key fails `createApiaxAuth` and not
 * the first login. `node:crypto` reads PKCS#8 and PKCS#1 PEM and private JWKs synchronously; jose
 * signs with the resulting `KeyObject` directly. The key itself never appears in the error.
 */
export function loadAssertionKey(privateKey: unknown, option: string): KeyObject {
  let key: KeyObject;
  try {
    if (typeof privateKey === 'string') {
      key = createPrivateKey({ key: normalizePem(privateKey), format: 'pem' });
    } else if (isKeyObject(privateKey)) {
      key = privateKey;
    } else if (privateKey !== null && typeof privateKey === 'object') {
      key = createPrivateKey({ key: privateKey as JsonWebKey, format: 'jwk' });
    } else {
      throw new TypeError('not a key');
    }
  } catch {
    throw invalidConfig(option, 'is not a readable private key (expected an RSA PEM string, a KeyObject or a private JWK)');
  }
  if (key.type !== 'private') throw invalidConfig(option, 'must be a private key (got a public or secret key)');
  if (key.asymmetricKeyType !== 'rsa') throw invalidConfig(option, 'must be an RSA key (RS256)');
  const modulusLength = key.asymmetricKeyDetails?.modulusLength;
  if (modulusLength !== undefined && modulusLength < 2048) throw invalidConfig(option, 'must be at least 2048 bits (RS256)');
  return key;
}

/** Keys pasted into environment variables often carry literal `\n`; PEM needs real line breaks. */
function normalizePem(pem: string): string {
  return pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem;
}

function isKeyObject(value: unknown): value is KeyObject {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as KeyObject).export === 'function' &&
    typeof (value as KeyObject).type === 'string'
  );
}

/**
 * Signs a fresh client assertion (RFC 7523) for one token-endpoint request: RS256, a new `jti` each
 * time (Keycloak refuses a reused one), `aud` = the token endpoint, a short `exp`.
 */
export async function signClientAssertion(assertion: ResolvedAssertion, audience: string, nowMs: number): Promise<string> {
  const issuedAt = Math.floor(nowMs / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(assertion.issuer)
    .setSubject(assertion.subject)
    .setAudience(audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + assertion.lifetimeSeconds)
    .setJti(randomUUID())
    .sign(assertion.privateKey);
}
