import { withClient, type ClientContext } from '../client.js';
import { failureLine } from '../output.js';

/**
 * `apiax status`: the session as core reports it, as JSON, plus where the cache is. It first asks for a token,
 * so the answer is about the cached session: a valid cached token is adopted without a request, a due one is
 * refreshed, and only without any session does it log in (once; a rejection is not retried). Exit 1 when no
 * usable token could be had.
 */
export async function statusCommand(context: ClientContext): Promise<number> {
  return withClient(context, async (auth, cache) => {
    let failure: unknown;
    await auth.getAccessToken().catch((error: unknown) => (failure = error));
    const cacheInfo = cache === undefined ? null : { directory: cache.directory, encrypted: cache.encrypted };
    context.io.stdout.write(`${JSON.stringify({ ...auth.status(), cache: cacheInfo }, null, 2)}\n`);
    if (failure === undefined) return 0;
    context.io.stderr.write(failureLine(failure));
    return 1;
  });
}
