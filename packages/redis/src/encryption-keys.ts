import { createHash } from 'node:crypto';
import { invalidConfig } from './config-error.js';

/** A 32-byte AES-256 key: raw bytes, 64 hex characters, or base64 / base64url. */
export type EncryptionKeyInput = Uint8Array | string;

/** A validated key and the id that names it inside stored values (so a reader knows which key to try). */
export interface EncryptionKey {
  /** 8 hex characters derived from the key by SHA-256: names the key without revealing it. */
  id: string;
  key: Buffer;
}

const KEY_BYTES = 32;

/**
 * Validates `encryptionKey` (one key or a list, the first one encrypts). Messages name the option and its
 * position, never the value.
 */
export function parseEncryptionKeys(input: EncryptionKeyInput | readonly EncryptionKeyInput[] | undefined): EncryptionKey[] {
  if (input === undefined) return [];
  if (Array.isArray(input)) {
    if (input.length === 0) throw invalidConfig('`encryptionKey` is an empty array: give at least one key, or leave it out.');
    return input.map((item, index) => parseOne(item, `encryptionKey[${index}]`));
  }
  return [parseOne(input, 'encryptionKey')];
}

function parseOne(input: unknown, optionName: string): EncryptionKey {
  const key = toKeyBytes(input, optionName);
  return { id: keyId(key), key };
}

function toKeyBytes(input: unknown, optionName: string): Buffer {
  if (input instanceof Uint8Array) {
    if (input.byteLength !== KEY_BYTES) {
      throw invalidConfig(`\`${optionName}\` must be ${KEY_BYTES} bytes long (AES-256), got ${input.byteLength}.`);
    }
    return Buffer.from(input);
  }
  if (typeof input !== 'string') {
    throw invalidConfig(`\`${optionName}\` must be a 32-byte Buffer, a 64-character hex string or a base64 string.`);
  }
  const text = input.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  const base64 = decodeStrictBase64(text);
  if (base64?.byteLength === KEY_BYTES) return base64;
  throw invalidConfig(
    `\`${optionName}\` must decode to ${KEY_BYTES} bytes: 64 hex characters or base64 (e.g. \`openssl rand -base64 32\`).`,
  );
}

// Buffer.from(…, 'base64') silently skips invalid characters; accept only text that round-trips.
function decodeStrictBase64(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  const canonical = bytes.toString('base64').replace(/=+$/, '');
  const given = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  return canonical === given ? bytes : null;
}

function keyId(key: Buffer): string {
  return createHash('sha256').update('apiax-auth key id\0').update(key).digest('hex').slice(0, 8);
}
