import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt } from 'node:crypto';
import { parseStoredRecord, type StoredRecord } from './store.js';

/**
 * How `FileTokenStore` lays a record out in its file: a small JSON envelope naming the format, the account
 * key the record belongs to, and the record itself, either as JSON with a SHA-256 checksum (no key: the file
 * mode is the protection; the checksum catches damage) or as AES-256-GCM ciphertext with the account key as
 * additional authenticated data (a file copied under another account's name does not decrypt).
 */
interface Envelope {
  format: typeof FORMAT;
  key: string;
  encoding: 'json' | 'aes-256-gcm';
  /** json: the record's JSON; aes-256-gcm: base64url ciphertext. */
  data: string;
  /** json only: base64url SHA-256 over key and data. */
  sha256?: string;
  /** aes-256-gcm only: base64url IV and tag. */
  iv?: string;
  tag?: string;
}

const FORMAT = 'apiax-auth/token-cache/v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Fixed context: the derived key serves this store's files and nothing else. */
const KDF_SALT = 'apiax-auth FileTokenStore v1';
/**
 * scrypt cost (Node's default): one derivation per process, about 50 ms on an idle core, paid by every `apiax`
 * run. It slows offline guessing of a weak passphrase; a random key (`openssl rand -base64 32`) needs none.
 */
const SCRYPT_COST = 2 ** 14;

/** Why a file was ignored. None of these texts holds a secret. */
export type EnvelopeProblem =
  | 'not a token cache file (corrupt?)'
  | 'fails its integrity check (corrupt or edited)'
  | 'belongs to another account'
  | 'is encrypted, but APIAX_CACHE_KEY is not set'
  | 'is not encrypted, but APIAX_CACHE_KEY is set'
  | 'does not decrypt (another APIAX_CACHE_KEY, or tampered)'
  | 'holds no valid record';

export type OpenedEnvelope = { record: StoredRecord } | { problem: EnvelopeProblem };

/** Derives the AES-256 key from a passphrase (`APIAX_CACHE_KEY`) with scrypt. */
export function deriveCacheKey(passphrase: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(passphrase, KDF_SALT, 32, { N: SCRYPT_COST, r: 8, p: 1, maxmem: 128 * SCRYPT_COST * 8 * 2 }, (error, key) =>
      error ? reject(new Error('could not derive the cache key')) : resolve(key),
    );
  });
}

/** The file's text for `record` under `accountKey`; encrypted when `cacheKey` is given. */
export function sealEnvelope(accountKey: string, record: StoredRecord, cacheKey: Buffer | undefined): string {
  const json = JSON.stringify(record);
  if (cacheKey === undefined) {
    return JSON.stringify({
      format: FORMAT,
      key: accountKey,
      encoding: 'json',
      sha256: checksum(accountKey, json),
      data: json,
    } satisfies Envelope);
  }
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', cacheKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(accountKey));
  const ciphertext = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
  const envelope: Envelope = {
    format: FORMAT,
    key: accountKey,
    encoding: 'aes-256-gcm',
    iv: iv.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
    data: ciphertext.toString('base64url'),
  };
  return JSON.stringify(envelope);
}

/**
 * Reads a file's text back into a record for `accountKey`, or says why not. With a cache key, plain files
 * are refused: whoever could write one must not be able to plant a token the client would trust.
 */
export function openEnvelope(text: string, accountKey: string, cacheKey: Buffer | undefined): OpenedEnvelope {
  const envelope = parseEnvelope(text);
  if (envelope === null) return { problem: 'not a token cache file (corrupt?)' };
  if (envelope.key !== accountKey) return { problem: 'belongs to another account' };
  if (envelope.encoding === 'json') {
    if (cacheKey !== undefined) return { problem: 'is not encrypted, but APIAX_CACHE_KEY is set' };
    if (envelope.sha256 !== checksum(accountKey, envelope.data)) return { problem: 'fails its integrity check (corrupt or edited)' };
    return parseRecordJson(envelope.data);
  }
  if (cacheKey === undefined) return { problem: 'is encrypted, but APIAX_CACHE_KEY is not set' };
  const json = decrypt(envelope, accountKey, cacheKey);
  return json === null ? { problem: 'does not decrypt (another APIAX_CACHE_KEY, or tampered)' } : parseRecordJson(json);
}

function parseEnvelope(text: string): Envelope | null {
  let value: Partial<Envelope>;
  try {
    value = JSON.parse(text) as Partial<Envelope>;
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || value.format !== FORMAT) return null;
  if (typeof value.key !== 'string' || typeof value.data !== 'string') return null;
  if (value.encoding === 'json' && typeof value.sha256 === 'string') return value as Envelope;
  if (value.encoding === 'aes-256-gcm' && typeof value.iv === 'string' && typeof value.tag === 'string') return value as Envelope;
  return null;
}

function decrypt(envelope: Envelope, accountKey: string, cacheKey: Buffer): string | null {
  const iv = Buffer.from(envelope.iv ?? '', 'base64url');
  const tag = Buffer.from(envelope.tag ?? '', 'base64url');
  // GCM accepts short tags unless pinned; a shortened tag is refused, not checked in part.
  if (iv.byteLength !== IV_BYTES || tag.byteLength !== TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', cacheKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(accountKey));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

function parseRecordJson(json: string): OpenedEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { problem: 'holds no valid record' };
  }
  const record = parseStoredRecord(value);
  return record === null ? { problem: 'holds no valid record' } : { record };
}

function aad(accountKey: string): Buffer {
  return Buffer.from(`${FORMAT}\0${accountKey}`, 'utf8');
}

function checksum(accountKey: string, data: string): string {
  return createHash('sha256').update(`${FORMAT}\0${accountKey}\0`).update(data).digest('base64url');
}
