import { sleep, systemClock } from './clock.js';
import { isLocalStore, storeStateOf, type ApiaxStoreState } from './health.js';
import type { SafeLogger } from './logging.js';
import {
  LOGIN_REJECTION_KEY_SUFFIX,
  parseStoredRecord,
  type LoginRejectionRecord,
  type StoredRecord,
  type TokenRecord,
  type TokenStore,
  type TokenStoreLockOptions,
} from './store.js';

/** How long a failing lock is tried again before a grant goes ahead without it (real time, as outages are). */
const LOCK_OUTAGE_GRACE_MS = 5_000;
const LOCK_RETRY_INTERVAL_MS = 200;

export interface GuardedStoreOptions {
  store: TokenStore;
  /** The account's key; its login rejection lives under the key plus {@link LOGIN_REJECTION_KEY_SUFFIX}. */
  key: string;
  /** Whether other clients can reach the store (the app gave it): they may hold a token or a rejection. */
  reachableByOthers: boolean;
  log: SafeLogger;
  /** The client's own copy, written back once a failing store answers again. */
  localRecord: () => TokenRecord | null;
}

/**
 * The one owner of a failing store (the contract is in `store.ts`): every store call of the client goes
 * through here. A failure never fails a call: reads answer "nothing", writes are dropped, a lock that cannot
 * be had is replaced by the session's own single flight; one warning is logged, `state()` says `degraded`,
 * and when a call succeeds again the local record is written back (the store's compare-and-set keeps the
 * newer one if another instance wrote meanwhile).
 */
export class GuardedStore {
  readonly #store: TokenStore;
  readonly #key: string;
  /** Whether other clients can reach the store (the app gave it). */
  readonly reachableByOthers: boolean;
  readonly #log: SafeLogger;
  readonly #localRecord: () => TokenRecord | null;
  #degraded = false;

  constructor(options: GuardedStoreOptions) {
    this.#store = options.store;
    this.#key = options.key;
    this.reachableByOthers = options.reachableByOthers;
    this.#log = options.log;
    this.#localRecord = options.localRecord;
  }

  /** `status().store`: `local` for the in-memory store, else `shared`, or `degraded` while its calls fail. */
  state(): ApiaxStoreState {
    return storeStateOf(isLocalStore(this.#store), this.#degraded);
  }

  /** The account's token record, validated; `null` when absent, invalid or unreadable. */
  async readToken(): Promise<TokenRecord | null> {
    const stored = await this.#call('get', () => this.#store.get(this.#key));
    return stored !== undefined && stored !== null && !isRejection(stored) ? stored : null;
  }

  async writeToken(record: TokenRecord): Promise<void> {
    await this.#call('set', () => this.#store.set(this.#key, record));
  }

  /** The fleet's record of a rejected login, validated; `null` when absent, invalid or unreadable. */
  async readRejection(): Promise<LoginRejectionRecord | null> {
    const stored = await this.#call('get', () => this.#store.get(this.#key + LOGIN_REJECTION_KEY_SUFFIX));
    return stored !== undefined && stored !== null && isRejection(stored) ? stored : null;
  }

  async writeRejection(record: LoginRejectionRecord): Promise<void> {
    await this.#call('set', () => this.#store.set(this.#key + LOGIN_REJECTION_KEY_SUFFIX, record));
  }

  async deleteRejection(): Promise<void> {
    await this.#call('delete', () => this.#store.delete(this.#key + LOGIN_REJECTION_KEY_SUFFIX));
  }

  async deleteToken(): Promise<void> {
    await this.#call('delete', () => this.#store.delete(this.#key));
  }

  /**
   * Runs `critical` under the store's lock when it has one. If the lock fails before `critical` started,
   * `critical` runs anyway (the session's single flight still holds in this process); if it fails after,
   * the outcome of the running `critical` is the answer: a second grant beside it would race it, and with
   * rotating refresh tokens end the session.
   */
  async withLock<T>(critical: () => Promise<T>, options: TokenStoreLockOptions): Promise<T> {
    const store = this.#store;
    if (store.withLock === undefined) return critical();
    let started: Promise<T> | undefined;
    const once = (): Promise<T> => (started ??= critical());
    const giveUpAt = performance.now() + LOCK_OUTAGE_GRACE_MS;
    for (;;) {
      try {
        const result = await store.withLock(this.#key, once, options);
        this.#succeeded();
        return result;
      } catch (error) {
        if (started !== undefined) {
          const result = await started;
          this.#failed('withLock', error);
          return result;
        }
        if (options.signal?.aborted) throw error;
        // A failover or a restart takes seconds: a grant without the lock could race another instance's
        // (with rotating refresh tokens, ending the fleet's session), so the lock is tried again for a
        // while before the client goes ahead on its own.
        if (performance.now() >= giveUpAt) {
          this.#failed('withLock', error);
          return once();
        }
        await sleep(systemClock(), LOCK_RETRY_INTERVAL_MS, options.signal);
      }
    }
  }

  async close(): Promise<void> {
    const store = this.#store;
    if (store.close !== undefined) await this.#call('close', () => store.close!());
  }

  /** Runs a store call: its result, or `undefined` when it failed (then the client goes on locally). */
  async #call<T>(operation: string, call: () => Promise<T>): Promise<T | undefined> {
    let result: T;
    try {
      result = await call();
    } catch (error) {
      this.#failed(operation, error);
      return undefined;
    }
    this.#succeeded();
    return operation === 'get' ? (parseStoredRecord(result) as T) : result;
  }

  #succeeded(): void {
    if (!this.#degraded) return;
    this.#degraded = false;
    this.#log.info('token store recovered; sharing again');
    const record = this.#localRecord();
    if (record === null) return;
    // Written back so the fleet sees what this instance obtained while the store was away.
    this.#store.set(this.#key, record).catch((error: unknown) => this.#failed('set', error));
  }

  #failed(operation: string, error: unknown): void {
    if (this.#degraded) return;
    this.#degraded = true;
    const name = (error as { name?: unknown } | null)?.name;
    const message = (error as { message?: unknown } | null)?.message;
    this.#log.warn('token store failed; continuing with the local copy only', {
      operation,
      error: typeof name === 'string' ? name : 'Error',
      // A store's message may quote a connection URL: its credentials go.
      reason: typeof message === 'string' ? message.replace(/\/\/[^/@\s]*@/g, '//***@').slice(0, 200) : undefined,
    });
  }
}

function isRejection(record: StoredRecord): record is LoginRejectionRecord {
  return (record as { kind?: unknown }).kind === 'login-rejection';
}
