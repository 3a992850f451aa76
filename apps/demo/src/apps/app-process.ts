import type { Environment } from '../shared/demo-settings.js';

/**
 * How an app process talks to the orchestrator that spawned it: it announces its URL over the IPC
 * channel, and stops cleanly on SIGTERM/SIGINT or when the orchestrator goes away.
 */

/** The one message an app sends to the orchestrator. */
export interface AppReadyMessage {
  type: 'ready';
  url: string;
}

export function isAppReadyMessage(message: unknown): message is AppReadyMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'ready' &&
    typeof (message as { url?: unknown }).url === 'string'
  );
}

export function announceReady(url: string): void {
  const message: AppReadyMessage = { type: 'ready', url };
  process.send?.(message);
}

/** Port to listen on: `PORT`, default 0 (any free port; the orchestrator learns it from `announceReady`). */
export function listenPort(env: Environment = process.env): number {
  const port = Number(env.PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError(`PORT must be a port number, got "${env.PORT}"`);
  return port;
}

const STOP_TIMEOUT_MS = 8_000;

/**
 * Runs `stop` once on the first stop request, then exits. A parent that dies without a word
 * (SIGKILL) closes the IPC channel: the app exits instead of living on as an orphan.
 */
export function stopOnRequest(name: string, stop: () => Promise<void>): void {
  let stopping = false;
  const handle = (): void => {
    if (stopping) return;
    stopping = true;
    const forced = setTimeout(() => {
      console.error(`[${name}] did not stop within ${STOP_TIMEOUT_MS} ms; exiting anyway`);
      process.exit(1);
    }, STOP_TIMEOUT_MS);
    forced.unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`[${name}] error while stopping:`, error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', handle);
  process.once('SIGINT', handle);
  process.once('disconnect', handle);
}
