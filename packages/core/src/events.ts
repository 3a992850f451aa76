/**
 * A tiny typed emitter. Unlike Node's `EventEmitter`, an `error` event with no listener is simply
 * dropped (the failure already reached the caller or the log), and a listener that throws cannot
 * break a grant in progress: its exception goes to `onListenerError`.
 */
export class TypedEmitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<(payload: never) => void>>();
  readonly #onListenerError: (event: keyof Events, error: unknown) => void;

  constructor(onListenerError: (event: keyof Events, error: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  /** Subscribes; returns the unsubscribe function (idempotent). */
  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void {
    let listeners = this.#listeners.get(event);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(event, listeners);
    }
    // Wrapped, so subscribing the same function twice gives two independent subscriptions.
    const entry = (payload: never) => listener(payload as Events[E]);
    listeners.add(entry);
    return () => {
      listeners.delete(entry);
    };
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    const listeners = this.#listeners.get(event);
    if (listeners === undefined) return;
    for (const listener of [...listeners]) {
      try {
        (listener as (payload: Events[E]) => void)(payload);
      } catch (error) {
        this.#onListenerError(event, error);
      }
    }
  }
}
