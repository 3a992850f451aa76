import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { parseStoredRecord, type StoredRecord } from '@apiax-auth/core';
import type { EncryptionKey } from './encryption-keys.js';

/**
 * How a record is stored in Redis: a version and format tag, so readers can tell plain from encrypted values
 * and which key encrypted them (key rotation).
 *
 * - plain:     `v1.plain.<JSON>`
 * - encrypted: `v1.gcm.<key id>.<iv>.<auth tag>.<ciphertext>` (base64url; AES-256-GCM; the account key is the
 *   additional authenticated data, so a value copied under another account's key does not decrypt)
 */
const PLAIN_PREFIX = 'v1.plain.';
const ENCRYPTED_PREFIX = 'v1.gcm.';
const IV_BYTES = 12;
/**
 * GCM's full tag. Node accepts tags as short as 4 bytes unless told the length, and a truncated tag is much
 * easier to forge: the length is pinned on both sides, so a shortened tag is refused, not checked in part.
 */
const AUTH_TAG_BYTES = 16;

/** Why a stored value could not be turned back into a record. None of these texts holds a secret. */
export type DecodeProblem =
  | 'unknown format'
  | 'encrypted, but no encryptionKey is configured'
  | 'not encrypted, but an encryptionKey is configured'
  | 'encrypted with a key that is not in encryptionKey'
  | 'does not decrypt with its key (tampered or wrong key)'
  | 'not a token record';

/** A decoded record, or why the value could not be decoded. */
export type DecodeResult = { record: StoredRecord } | { problem: DecodeProblem };

/**
 * Serialises a record, encrypting it with the first key; without keys (only with `insecurePlaintext`) as
 * plain JSON.
 */
export function encodeRecord(record: StoredRecord, accountKey: string, keys: readonly EncryptionKey[]): string {
  const json = JSON.stringify(record);
  const [current] = keys;
  if (current === undefined) return PLAIN_PREFIX + json;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', current.key, iv, { authTagLength: AUTH_TAG_BYTES });
  cipher.setAAD(Buffer.from(accountKey, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [ENCRYPTED_PREFIX + current.id, b64(iv), b64(tag), b64(ciphertext)].join('.');
}

/**
 * Reads a stored value back. With keys configured, plain values are refused: whoever can write to Redis must
 * not be able to plant a token the store would trust.
 */
export function decodeRecord(value: string, accountKey: string, keys: readonly EncryptionKey[]): DecodeResult {
  if (value.startsWith(PLAIN_PREFIX)) {
    if (keys.length > 0) return { problem: 'not encrypted, but an encryptionKey is configured' };
    return parseRecord(value.slice(PLAIN_PREFIX.length));
  }
  if (!value.startsWith(ENCRYPTED_PREFIX)) return { problem: 'unknown format' };
  if (keys.length === 0) return { problem: 'encrypted, but no encryptionKey is configured' };
  const [keyId, iv, tag, ciphertext, ...rest] = value.slice(ENCRYPTED_PREFIX.length).split('.');
  if (keyId === undefined || iv === undefined || tag === undefined || ciphertext === undefined || rest.length > 0) {
    return { problem: 'unknown format' };
  }
  // Ids are 32 bits of a hash: two configured keys may share one, so each key that matches gets its try.
  const candidates = keys.filter((candidate) => candidate.id === keyId);
  if (candidates.length === 0) return { problem: 'encrypted with a key that is not in encryptionKey' };
  const [ivBytes, tagBytes] = [fromB64(iv), fromB64(tag)];
  if (ivBytes.byteLength !== IV_BYTES || tagBytes.byteLength !== AUTH_TAG_BYTES) {
    return { problem: 'does not decrypt with its key (tampered or wrong key)' };
  }
  for (const { key } of candidates) {
    const json = decrypt(key, ivBytes, tagBytes, fromB64(ciphertext), accountKey);
    if (json !== null) return parseRecord(json);
  }
  return { problem: 'does not decrypt with its key (tampered or wrong key)' };
}

/** The plaintext, or `null` when the tag does not authenticate the ciphertext and the account under this key. */
function decrypt(key: Buffer, iv: Buffer, tag: Buffer, ciphertext: Buffer, accountKey: string): string | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: AUTH_TAG_BYTES });
    decipher.setAAD(Buffer.from(accountKey, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

function parseRecord(json: string): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { problem: 'not a token record' };
  }
  // Core's one validator: a record read from Redis may be stale, foreign, corrupt or planted.
  const record = parseStoredRecord(parsed);
  return record === null ? { problem: 'not a token record' } : { record };
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function fromB64(text: string): Buffer {
  return Buffer.from(text, 'base64url');
}
