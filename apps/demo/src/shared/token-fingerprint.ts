import { createHash } from 'node:crypto';
import type { ApiaxAuth } from '@apiax-auth/core';
import type { FleetTokenSource } from './fleet-snapshot.js';

/** 8 hex characters of a SHA-256: enough to tell tokens apart on a page, nothing to rebuild one from. */
export function fingerprintOf(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 8);
}

/** What an instance knows about the token it holds, kept up to date from its client's `token` events. */
export interface TokenTracker {
  fingerprint(): string | null;
  lastSource(): FleetTokenSource | null;
  adopted(): number;
  stop(): void;
}

/**
 * Follows a client's tokens: after every grant or adoption, the token it now holds is hashed (read with
 * `getAccessToken()`, which the event guarantees is fresh: no grant is sent for it). The token itself
 * is never kept.
 */
export function trackTokens(auth: Pick<ApiaxAuth, 'on' | 'getAccessToken'>): TokenTracker {
  let fingerprint: string | null = null;
  let lastSource: FleetTokenSource | null = null;
  let adopted = 0;
  let sequence = 0;
  const off = auth.on('token', (event) => {
    lastSource = event.grant === 'store' ? 'adopted' : event.grant === 'password' ? 'login' : 'refresh';
    if (event.grant === 'store') adopted += 1;
    const mine = ++sequence;
    auth.getAccessToken().then(
      (token) => {
        // A later event may have answered first: only the newest token counts.
        if (mine === sequence) fingerprint = fingerprintOf(token);
      },
      () => undefined,
    );
  });
  return { fingerprint: () => fingerprint, lastSource: () => lastSource, adopted: () => adopted, stop: off };
}
