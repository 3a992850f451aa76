/**
 * Defence in depth for secrets. The client never builds a message from a secret on purpose; this
 * catches what a server or a library might echo back (an `error_description` quoting a token, a
 * stack mentioning a body) before it reaches an error, a log line or an event.
 */

/** Anything shaped like a compact JWS/JWT: access tokens, refresh tokens (Keycloak's are JWTs too), assertions. */
const JWT_SHAPE = /eyJ[\w-]{2,}\.[\w-]*\.[\w-]*/g;
/** A PEM block, whatever its label (private keys above all). */
const PEM_SHAPE = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g;
/** Shorter strings are not scrubbed: they would mangle ordinary words, and no real secret is that short. */
const MIN_SECRET_LENGTH = 4;
/** Tokens rotate; remember the most recent ones (current + a few previous, still-valid ones). */
const MAX_REMEMBERED = 32;

export const REDACTED = '[redacted]';

/** Scrubs known secrets (and anything token- or key-shaped) from text. */
export class Redactor {
  readonly #permanent = new Set<string>();
  readonly #recent: string[] = [];

  /** A secret that lives as long as the client: the password, the private key's PEM. */
  addPermanent(secret: string | undefined): void {
    if (secret !== undefined && secret.length >= MIN_SECRET_LENGTH) this.#permanent.add(secret);
  }

  /** A secret that rotates: access tokens, refresh tokens. */
  addRotating(secret: string | null | undefined): void {
    if (secret == null || secret.length < MIN_SECRET_LENGTH || this.#recent.includes(secret)) return;
    this.#recent.push(secret);
    if (this.#recent.length > MAX_REMEMBERED) this.#recent.shift();
  }

  scrub(text: string): string {
    let result = text.replace(PEM_SHAPE, REDACTED).replace(JWT_SHAPE, REDACTED);
    // Longest first, so a secret containing another one is replaced whole.
    const secrets = [...this.#permanent, ...this.#recent].sort((a, b) => b.length - a.length);
    for (const secret of secrets) {
      if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    }
    return result;
  }

  /** Scrubs every string inside plain data (log details, event payloads); other values pass as they are. */
  scrubData<T>(value: T): T {
    return scrubValue(value, this, 0) as T;
  }
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
