import type { ApiaxClock } from './clock.js';
import type { ApiaxGrantType } from './events.js';
import { decide, isUsable, nextActionAt, renewalGrant, storedRecordUse, type PolicyAction, type PolicySettings } from './policy.js';
import type { Redactor } from './redaction.js';
import type { TokenRecord } from './store.js';

/**
 * This instance's copy of the account's token record, with the policy's answers about it. Every token it
 * takes becomes a secret the redactor knows. The policy's "use until" is computed once per record, so
 * that the warm path is one comparison.
 */
export class LocalRecord {
  readonly #clock: ApiaxClock;
  readonly #policy: PolicySettings;
  readonly #redactor: Redactor;
  #record: TokenRecord | null = null;
  /** Until when (epoch ms) the policy says `use` for {@link #record}. */
  #useUntil = Number.NEGATIVE_INFINITY;
  /** Whether a session ever existed: tells a first login from a re-login in `token` events. */
  #signedInBefore = false;

  constructor(clock: ApiaxClock, policy: PolicySettings, redactor: Redactor) {
    this.#clock = clock;
    this.#policy = policy;
    this.#redactor = redactor;
  }

  get current(): TokenRecord | null {
    return this.#record;
  }

  get signedInBefore(): boolean {
    return this.#signedInBefore;
  }

  /** The warm path's question: may the current access token be sent now, with nothing else to do? */
  servesNow(): boolean {
    return this.#record !== null && this.#clock.now() < this.#useUntil;
  }

  /** What the policy says to do with the current record now. */
  decide(): PolicyAction {
    return decide(this.#record, this.#clock.now(), this.#policy);
  }

  /** Whether `record`'s access token may still be sent now. */
  usable(record: TokenRecord): boolean {
    return isUsable(record, this.#clock.now(), this.#policy);
  }

  /** Which grant renews the current record: refresh while its refresh token is alive and worth it. */
  nextGrant(): ApiaxGrantType {
    return this.#record === null ? 'password' : renewalGrant(this.#record, this.#clock.now(), this.#policy);
  }

  /** What a record read from a shared store is to a renewal replacing `replacing`: see `storedRecordUse`. */
  useOfStored(stored: TokenRecord, replacing: string | undefined): ReturnType<typeof storedRecordUse> {
    return storedRecordUse(stored, this.#record, replacing, this.#clock.now(), this.#policy);
  }

  /** Takes `record` as the local copy; its tokens become secrets the redactor knows. */
  adopt(record: TokenRecord, { signedIn }: { signedIn: boolean }): void {
    this.#redactor.addRotating(record.accessToken);
    this.#redactor.addRotating(record.refreshToken);
    this.#set(record);
    if (signedIn) this.#signedInBefore = true;
  }

  /** Keycloak refused the refresh token: the access token may still serve, the refresh token never again. */
  dropRefreshToken(): void {
    if (this.#record !== null) this.#set({ ...this.#record, refreshToken: null, refreshTokenExpiresAt: null });
  }

  clear(): void {
    this.#set(null);
  }

  #set(record: TokenRecord | null): void {
    this.#record = record;
    this.#useUntil = record === null ? Number.NEGATIVE_INFINITY : nextActionAt(record, this.#policy);
  }
}
