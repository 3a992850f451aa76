/**
 * Rejects with a plain Error when `promise` takes longer than `ms`: a hung Redis must not hang a token call.
 *
 * The rejection waits for one more turn of the event loop (`setImmediate`, after the I/O poll phase): when this
 * process itself stalled (a busy or starved event loop), timers fire before the sockets are read, and an
 * answer that arrived in time must still win. Otherwise a loaded instance would wrongly conclude that Redis
 * is down and stop coordinating with the fleet.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      immediate = setImmediate(() => reject(new Error(`${what} timed out after ${ms} ms`)));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
  });
}

/** Resolves after `ms`, or early when `wake` is called; rejects with the signal's reason on abort. */
export function pause(ms: number, signal: AbortSignal | undefined, onWake?: (wake: () => void) => () => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    let stopListening: () => void = () => {};
    const finish = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      stopListening();
    };
    const timer = setTimeout(() => {
      finish();
      resolve();
    }, ms);
    const onAbort = (): void => {
      finish();
      reject(abortReason(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (onWake !== undefined) {
      stopListening = onWake(() => {
        finish();
        resolve();
      });
    }
  });
}

/** The reason an abort carries, as an Error (what `AbortSignal.abort()` gives by default). */
export function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError');
}
