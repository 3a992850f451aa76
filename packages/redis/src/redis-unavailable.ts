/**
 * What every store call rejects with when Redis does not answer: core catches it, runs on its own copy and
 * reports the store as degraded. The message names the cause ("connection refused", "timed out after
 * 2000 ms"…) and never holds a URL, so never a Redis password.
 */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';

  constructor(cause: string) {
    super(`Redis token store: Redis is unavailable (${cause}).`);
  }
}

/** A short, credential-free cause for an ioredis or socket error. */
export function describeRedisFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'ETIMEDOUT') return 'connection timed out';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  const message = error instanceof Error ? error.message : String(error);
  if (/ECONNREFUSED/.test(message)) return 'connection refused';
  if (/Connection is closed|Stream isn't writeable/i.test(message)) return 'not connected';
  if (/NOAUTH|WRONGPASS/i.test(message)) return 'authentication failed';
  if (/LOADING/.test(message)) return 'server is loading its data';
  if (/READONLY/.test(message)) return 'server is a read-only replica';
  if (/CLUSTERDOWN/.test(message)) return 'cluster is down';
  // Anything else: ioredis' text, with the credentials of any redis:// URL in it removed.
  return message.replace(/(rediss?:\/\/)[^@\s/]*@/gi, '$1***@').slice(0, 200);
}
