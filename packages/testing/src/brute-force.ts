/**
 * Keycloak's brute-force detection, reduced to what a client can observe: after `maxFailures` failed logins in a
 * row the user is locked (even the right password is refused) until an admin unlocks it. A successful login
 * clears the count.
 */
export class BruteForceProtector {
  readonly #maxFailures: number;
  readonly #failures = new Map<string, number>();

  /** `maxFailures` of `Infinity` disables the protection. */
  constructor(maxFailures: number) {
    this.#maxFailures = maxFailures;
  }

  isLocked(username: string): boolean {
    return (this.#failures.get(username) ?? 0) >= this.#maxFailures;
  }

  recordFailure(username: string): void {
    this.#failures.set(username, (this.#failures.get(username) ?? 0) + 1);
  }

  recordSuccess(username: string): void {
    this.#failures.delete(username);
  }

  unlock(username: string): void {
    this.#failures.delete(username);
  }
}
