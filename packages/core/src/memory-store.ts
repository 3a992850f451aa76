import type { TokenRecord, TokenStore } from './store.js';

/** The default store: records live in this process only. */
export class MemoryTokenStore implements TokenStore {
  readonly #records = new Map<string, TokenRecord>();
  async get(key: string): Promise<TokenRecord | null> {
    return this.#records.get(key) ?? null;
  }
  async set(key: string, record: TokenRecord): Promise<void> {
    this.#records.set(key, record);
  }
  async delete(key: string): Promise<void> {
    this.#records.delete(key);
  }
}
