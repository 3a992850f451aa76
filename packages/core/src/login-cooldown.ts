import { randomBytes, scrypt } from 'node:crypto';
import { loginCooldownDelay } from './backoff.js';
import type { ApiaxClock } from './clock.js';
import { ApiaxAuthError, LOGIN_REJECTION_CODES, type ApiaxAuthErrorCode } from './errors.js';
import type { SafeLogger } from './logging.js';
import type { GuardedStore } from './store-guard.js';
import type { LoginRejectionRecord } from './store.js';

/** A rejection this client knows of: its own, or the fleet's for the same credentials. */
interface Cooldown {
  rejections: number;
  /** Clock time from which a password may be sent again; `Infinity`: never (gave up). */
  retryAt: number;
  error: ApiaxAuthError;
  /** The fleet's record of it, to share again if the store loses it (set once its tag is computed). */
  record?: LoginRejectionRecord;
}

export interface LoginCooldownOptions {
  clock: ApiaxClock;
  /** The first cooldown step (`loginCooldownMs`). */
  cooldownMs: number;
  store: GuardedStore;
  /** The credentials a rejection is about (username, password, 2FA subject). Secret: kept here, never shown. */
  credentials: string;
  log: SafeLogger;
}

/**
 * The cooldown after a rejected password grant. A wrong password sent again only adds to Keycloak's
 * brute-force count, so after a rejection calls fail fast for `loginCooldownMs`, doubled after the second
 * rejection, and for good after the third (see `loginCooldownDelay`).
 *
 * The rejection is shared through the store like a token: checked inside the store's lock before every
 * password grant, so a fleet of any size sends at most one password per cooldown step. The shared record
 * names the credentials only through a salted scrypt tag: an instance started with corrected credentials
 * is not blocked, and the store never holds anything that tests a password cheaply.
 */
export class LoginCooldown {
  readonly #options: LoginCooldownOptions;
  #current: Cooldown | null = null;
  /** scrypt tags of our credentials, per salt: computed once per salt seen. */
  readonly #tags = new Map<string, Promise<string>>();
  readonly #fastFailures = new WeakSet<object>();

  constructor(options: LoginCooldownOptions) {
    this.#options = options;
  }

  /** Whether `error` is a fast failure of this cooldown (nothing was sent: nothing new to report). */
  isFastFailure(error: unknown): boolean {
    return this.#fastFailures.has(error as object);
  }

  /** The fast failure while this client knows of a cooldown; `null` when a password may be sent (sync, no I/O). */
  failFast(): ApiaxAuthError | null {
    const current = this.#current;
    const now = this.#options.clock.now();
    if (current === null || now >= current.retryAt) return null;
    const waiting = Number.isFinite(current.retryAt)
      ? `Failing fast for ${Math.ceil((current.retryAt - now) / 1000)} s more (loginCooldownMs) instead of sending the password again.`
      : `${current.rejections} logins were rejected: this client will not send the password again. Fix the credentials and create a new client.`;
    const { code, message, status, oauthError } = current.error;
    const error = new ApiaxAuthError(code, `${message} ${waiting}`, { retryable: false, status, oauthError });
    this.#fastFailures.add(error);
    return error;
  }

  /** Before a password grant, inside the store's lock: this client's cooldown, then the fleet's. */
  async check(): Promise<ApiaxAuthError | null> {
    const local = this.failFast();
    if (local !== null) {
      await this.#shareAgain();
      return local;
    }
    const shared = await this.#options.store.readRejection();
    if (shared === null || !(await this.#isOurs(shared))) return null;
    const retryAt = shared.retryAt ?? Number.POSITIVE_INFINITY;
    if (this.#options.clock.now() >= retryAt) return null;
    this.#current = { rejections: shared.rejections, retryAt, error: errorOf(shared), record: shared };
    this.#options.log.debug('another instance had these credentials rejected; failing fast', { rejections: shared.rejections });
    return this.failFast();
  }

  /** A password grant was rejected: cool down, here and for every instance sharing the store. */
  async rejected(error: ApiaxAuthError): Promise<void> {
    const shared = await this.#options.store.readRejection();
    const sharedRejections = shared !== null && (await this.#isOurs(shared)) ? shared.rejections : 0;
    const rejections = Math.max(this.#current?.rejections ?? 0, sharedRejections) + 1;
    const now = this.#options.clock.now();
    const retryAt = now + loginCooldownDelay(rejections, this.#options.cooldownMs);
    const current: Cooldown = { rejections, retryAt, error };
    this.#current = current;
    const salt = shared !== null && sharedRejections > 0 ? shared.credentialSalt : randomBytes(16).toString('base64url');
    const record: LoginRejectionRecord = {
      kind: 'login-rejection',
      obtainedAt: now,
      rejections,
      retryAt: Number.isFinite(retryAt) ? retryAt : null,
      code: error.code,
      credentialSalt: salt,
      credentialTag: await this.#tag(salt),
    };
    if (error.status !== undefined) record.status = error.status;
    if (error.oauthError !== undefined) record.oauthError = error.oauthError;
    current.record = record;
    await this.#options.store.writeRejection(record);
  }

  /**
   * A shared store that lost the fleet's rejection (a restart without persistence, an eviction, a
   * failover to a replica that never had it) would let the next instance started send the password again:
   * an instance that still remembers the rejection puts it back. One read per flight during a cooldown.
   */
  async #shareAgain(): Promise<void> {
    const record = this.#current?.record;
    if (record === undefined || !this.#options.store.reachableByOthers) return;
    if ((await this.#options.store.readRejection()) === null) await this.#options.store.writeRejection(record);
  }

  /** A password grant succeeded: the credentials are good, for this client and the fleet. */
  async succeeded(): Promise<void> {
    const hadCooldown = this.#current !== null;
    this.#current = null;
    if (hadCooldown || (await this.#options.store.readRejection()) !== null) await this.#options.store.deleteRejection();
  }

  /** Rejections in a row this client knows of (its own and the fleet's), expired cooldowns included. */
  rejections(): number {
    return this.#current?.rejections ?? 0;
  }

  /** When a password may be sent again: `null` when no cooldown is known, `Infinity` when never. */
  retryAt(): number | null {
    const current = this.#current;
    return current === null || this.#options.clock.now() >= current.retryAt ? null : current.retryAt;
  }

  async #isOurs(record: LoginRejectionRecord): Promise<boolean> {
    return (await this.#tag(record.credentialSalt)) === record.credentialTag;
  }

  #tag(salt: string): Promise<string> {
    let tag = this.#tags.get(salt);
    if (tag === undefined) {
      tag = scryptTag(this.#options.credentials, salt);
      this.#tags.set(salt, tag);
    }
    return tag;
  }
}

/** A memory-hard, salted tag (scrypt, N = 2^14): telling whether a guess is the password costs a real effort per guess. */
function scryptTag(credentials: string, salt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    scrypt(credentials, `apiax-auth login rejection:${salt}`, 32, { N: 2 ** 14, r: 8, p: 1 }, (error, key) => {
      if (error) reject(error);
      else resolve(key.toString('base64url'));
    });
  });
}

/** The error a shared rejection stands for: its code when it is a login rejection, with the server's words. */
function errorOf(record: LoginRejectionRecord): ApiaxAuthError {
  const code = SHARED_CODES.has(record.code as ApiaxAuthErrorCode) ? (record.code as ApiaxAuthErrorCode) : 'invalid_credentials';
  // Whoever can write to the store must not be able to put words in our errors: only a token-like `error`.
  const oauthError = record.oauthError !== undefined && /^[\w.-]{1,64}$/.test(record.oauthError) ? record.oauthError : undefined;
  const server = [oauthError, record.status === undefined ? undefined : `HTTP ${record.status}`].filter(Boolean).join(', ');
  const message = `The login with these credentials was rejected (by an instance sharing the token store${server ? `: ${server}` : ''}).`;
  return new ApiaxAuthError(code, message, { retryable: false, status: record.status, oauthError });
}

/** Codes a shared rejection may carry: the login rejections, and a login answer that could not be used. */
const SHARED_CODES: ReadonlySet<ApiaxAuthErrorCode> = new Set<ApiaxAuthErrorCode>([...LOGIN_REJECTION_CODES, 'invalid_response']);
