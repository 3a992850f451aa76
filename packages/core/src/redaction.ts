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
  /** One alternation of every encoding of every secret, longest first; rebuilt when the secrets change. */
  #pattern: RegExp | null | undefined;

  /**
   * A secret that lives as long as the client: the password, the API key, the private key's PEM.
   * Any length: a short password is still a password (over-redacting a message is the lesser harm).
   */
  addPermanent(secret: string | undefined): void {
    if (secret === undefined || secret === '' || this.#permanent.has(secret)) return;
    this.#permanent.add(secret);
    this.#pattern = undefined;
  }

  /** A secret that rotates: access tokens, refresh tokens, signed client assertions. */
  addRotating(secret: string | null | undefined): void {
    if (secret == null || secret === '' || this.#recent.includes(secret)) return;
    this.#recent.push(secret);
    if (this.#recent.length > MAX_REMEMBERED) this.#recent.shift();
    this.#pattern = undefined;
  }

  /** `text` with every known secret, in every encoding, and every JWT- or PEM-shaped run replaced. */
  scrub(text: string): string {
    const pattern = this.#compiled();
    // One pass: a replacement is never scanned again, so `[redacted]` cannot be cut up by a short secret.
    const known = pattern === null ? text : text.replace(pattern, REDACTED);
    return known.replace(PEM_SHAPE, REDACTED).replace(JWT_SHAPE, REDACTED);
  }

  /** Scrubs every string inside plain data (log details, event payloads); other values pass as they are. */
  scrubData<T>(value: T): T {
    return scrubValue(value, this, 0) as T;
  }

  #compiled(): RegExp | null {
    if (this.#pattern !== undefined) return this.#pattern;
    const variants = new Set<string>();
    for (const secret of [...this.#permanent, ...this.#recent]) for (const variant of secretEncodings(secret)) variants.add(variant);
    // Longest first: a secret containing another one (or its own shorter encoding) is replaced whole.
    const sorted = [...variants].sort((a, b) => b.length - a.length);
    this.#pattern = sorted.length === 0 ? null : new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
    return this.#pattern;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
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
