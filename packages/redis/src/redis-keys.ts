import { LOGIN_REJECTION_KEY_SUFFIX } from '@apiax-auth/core';

/** The Redis names of one store key (an account, or an account's login rejection). */
export interface RedisKeys {
  /** The record (a token record, or a login rejection). */
  record: string;
  /** The account's lock; the same for both kinds of record. */
  lock: string;
  /** The account's token record: what a lock release carries to the waiters. */
  tokenRecord: string;
}

/**
 * Names the keys of `key` as `<prefix>{<account>}:<kind>`. The braces are a Redis Cluster hash tag: every key
 * of one account (record, login rejection, lock) hashes to one slot, so the scripts that touch several of
 * them run on one shard. A login rejection's key is the account's key plus core's suffix; it gets the
 * account's tag too.
 */
export function redisKeysOf(prefix: string, key: string): RedisKeys {
  const isRejection = key.endsWith(LOGIN_REJECTION_KEY_SUFFIX) && key.length > LOGIN_REJECTION_KEY_SUFFIX.length;
  const account = isRejection ? key.slice(0, -LOGIN_REJECTION_KEY_SUFFIX.length) : key;
  const base = `${prefix}{${account}}`;
  const tokenRecord = `${base}:record`;
  return { record: isRejection ? `${base}:login-rejection` : tokenRecord, lock: `${base}:lock`, tokenRecord };
}
