/**
 * Polls `url` until it answers 2xx; fails after `timeoutMs` or as soon as `gaveUp` settles (the server
 * died). Errors start with `name`, the service being waited for.
 */
export async function waitForHttp(name: string, url: string, timeoutMs: number, gaveUp: Promise<unknown>): Promise<void> {
  let dead = false;
  void gaveUp.then(() => {
    dead = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (dead) throw new Error(`${name} exited before it answered`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} did not answer ${url} within ${timeoutMs / 1000} s`);
}
