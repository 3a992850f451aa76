/**
 * Defence in depth for secrets. The client never builds a message from a secret on purpose; this
 * catches what a server, a proxy or a library might echo back (an `error_description` quoting the
 * request form, a stack mentioning a body) before it reaches an error, a log line or an event, in
 * every encoding a secret travels in (see secret-encodings.ts).
 */
import { secretEncodings } from './secret-encodings.js';

/** Anything shaped like a compact JWS/JWT: access tokens, refresh tokens (Keycloak's are JWTs too), assertions. */
const JWT_SHAPE = /eyJ[\w-]{2,}\.[\w-]*\.[\w-]*/g;
/** A PEM block, whatever its label (private keys above all). */
const PEM_SHAPE = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g;
/**
 * Tokens and assertions rotate; remember the most recent ones (current + previous, still-valid ones,
 * and the assertions of the last requests).
 */
const MAX_REMEMBERED = 64;

export const REDACTED = '[redacted]';

/** Scrubs known secrets, in any encoding (and anything token- or key-shaped), from text. */
export class Redactor {
  readonly #permanent = new Set<string>();
  readonly #recent: string[] = [];
  /** Every encoding of every secret, indexed for one scan; rebuilt when the secrets change. */
  #index: SecretIndex | undefined;
  /** Each secret's encodings, computed once: a new token re-indexes the others without re-encoding them. */
  #encodings = new Map<string, string[]>();

  /**
   * A secret that lives as long as the client: the password, the API key, the private key's PEM.
   * Any length: a short password is still a password (over-redacting a message is the lesser harm).
   */
  addPermanent(secret: string | undefined): void {
    if (secret === undefined || secret === '' || this.#permanent.has(secret)) return;
    this.#permanent.add(secret);
    this.#index = undefined;
  }

  /** A secret that rotates: access tokens, refresh tokens, signed client assertions. */
  addRotating(secret: string | null | undefined): void {
    if (secret == null || secret === '' || this.#recent.includes(secret)) return;
    this.#recent.push(secret);
    if (this.#recent.length > MAX_REMEMBERED) this.#recent.shift();
    this.#index = undefined;
  }

  /** `text` with every known secret, in every encoding, and every JWT- or PEM-shaped run replaced. */
  scrub(text: string): string {
    const known = replaceKnown(text, (this.#index ??= this.#buildIndex()));
    return known.replace(PEM_SHAPE, REDACTED).replace(JWT_SHAPE, REDACTED);
  }

  #buildIndex(): SecretIndex {
    const encodings = new Map<string, string[]>();
    for (const secret of [...this.#permanent, ...this.#recent])
      encodings.set(secret, this.#encodings.get(secret) ?? secretEncodings(secret));
    this.#encodings = encodings;
    return buildIndex([...encodings.values()].flat());
  }

  /** Scrubs every string inside plain data (log details, event payloads); other values pass as they are. */
  scrubData<T>(value: T): T {
    return scrubValue(value, this, 0) as T;
  }
}

/**
 * The encodings to look for, by their first {@link PREFIX_LENGTH} characters (a regular expression
 * alternating hundreds of kilobyte-long tokens takes seconds to compile; this takes microseconds).
 */
interface SecretIndex {
  byPrefix: Map<string, string[]>;
  /** Encodings shorter than the prefix (one- to three-character passwords), longest first. */
  short: string[];
}

const PREFIX_LENGTH = 4;

function buildIndex(variants: string[]): SecretIndex {
  const byPrefix = new Map<string, string[]>();
  const short = new Set<string>();
  for (const variant of variants) {
    if (variant.length < PREFIX_LENGTH) {
      short.add(variant);
      continue;
    }
    const key = variant.slice(0, PREFIX_LENGTH);
    const bucket = byPrefix.get(key);
    if (bucket === undefined) byPrefix.set(key, [variant]);
    else if (!bucket.includes(variant)) bucket.push(variant);
  }
  // Longest first: a secret containing another one (or its own shorter encoding) is replaced whole.
  for (const bucket of byPrefix.values()) bucket.sort((a, b) => b.length - a.length);
  return { byPrefix, short: [...short].sort((a, b) => b.length - a.length) };
}

/**
 * One left-to-right pass over the original text: a replacement is never scanned again, so a short secret
 * cannot cut up `[redacted]`. Every character inside any match is covered, overlapping matches included (the
 * JSON form `"_a"` of a secret `_a` holds a second secret `"_`): each covered run, touching ones joined,
 * becomes one marker.
 */
function replaceKnown(text: string, index: SecretIndex): string {
  if (index.byPrefix.size === 0 && index.short.length === 0) return text;
  let result = '';
  let copiedUpTo = 0;
  let runStart = -1;
  let runEnd = 0;
  const closeRun = (): void => {
    result += text.slice(copiedUpTo, runStart) + REDACTED;
    copiedUpTo = runEnd;
    runStart = -1;
  };
  for (let position = 0; position < text.length; position += 1) {
    if (runStart !== -1 && position > runEnd) closeRun();
    const match = matchAt(text, position, index);
    if (match === 0) continue;
    if (runStart === -1) runStart = position;
    runEnd = Math.max(runEnd, position + match);
  }
  if (runStart !== -1) closeRun();
  return copiedUpTo === 0 ? text : result + text.slice(copiedUpTo);
}

/** The length of the longest known encoding starting at `position`, or 0. */
function matchAt(text: string, position: number, index: SecretIndex): number {
  const bucket = index.byPrefix.get(text.slice(position, position + PREFIX_LENGTH));
  if (bucket !== undefined) for (const variant of bucket) if (text.startsWith(variant, position)) return variant.length;
  for (const variant of index.short) if (text.startsWith(variant, position)) return variant.length;
  return 0;
}

function scrubValue(value: unknown, redactor: Redactor, depth: number): unknown {
  if (typeof value === 'string') return redactor.scrub(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, redactor, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, scrubValue(item, redactor, depth + 1)]),
  );
}

/** The secrets known from the options: the password, the API key, the 2FA private key (as PEM). */
export interface OptionSecrets {
  password: string;
  apiKey: string | undefined;
  privateKeyPem: string | undefined;
}

/** Registers the options' secrets (idempotent): every module holding the redactor may call it. */
export function addOptionSecrets(redactor: Redactor, secrets: OptionSecrets): void {
  redactor.addPermanent(secrets.password);
  redactor.addPermanent(secrets.apiKey);
  if (secrets.privateKeyPem !== undefined) {
    redactor.addPermanent(secrets.privateKeyPem);
    // The key's base64 body as it sits in an env file with literal `\n`s, line by line.
    for (const line of secrets.privateKeyPem.split('\n')) if (line.length >= 16 && !line.startsWith('-----')) redactor.addPermanent(line);
  }
}
