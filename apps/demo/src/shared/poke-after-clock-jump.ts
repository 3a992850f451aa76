import type { ApiaxAuth } from '@apiax-auth/core';

/**
 * After the demo clock jumps, asks the client for a token so it acts on the new time at once: its
 * background refresh timer was armed on the old time and would fire late. A real app would get the
 * same effect at its next request.
 */
export function pokeAfterClockJump(auth: Pick<ApiaxAuth, 'status' | 'getAccessToken'>): void {
  // A client that never logged in stays lazy: the jump is no reason to log in.
  if (auth.status().state === 'signed-out') return;
  auth.getAccessToken().catch(() => {
    // Reported through the client's `error` event, which the timeline shows.
  });
}
