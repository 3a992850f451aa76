/**
 * Lua scripts run atomically by Redis, so "is it still mine?" and "release/extend it" cannot interleave with
 * another instance taking the lock after it expired. They are registered with ioredis' `defineCommand`
 * (EVALSHA with an EVAL fallback).
 */
export const LOCK_SCRIPTS = {
  /**
   * KEYS[1] lock, ARGV[1] owner, ARGV[2] channel, ARGV[3] message (the lock's name as waiters know it, without
   * any ioredis keyPrefix): deletes the lock if we own it and tells the waiters.
   */
  apiaxAuthReleaseLock: {
    numberOfKeys: 1,
    lua: `if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('del', KEYS[1])
  redis.call('publish', ARGV[2], ARGV[3])
  return 1
end
return 0`,
  },
  /** KEYS[1] lock, ARGV[1] owner, ARGV[2] ttl ms: pushes the expiry back if we still own the lock. */
  apiaxAuthExtendLock: {
    numberOfKeys: 1,
    lua: `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0`,
  },
} as const;

/** The commands {@link LOCK_SCRIPTS} adds to the ioredis client. */
export interface LockCommands {
  apiaxAuthReleaseLock(lockKey: string, owner: string, channel: string, message: string): Promise<number>;
  apiaxAuthExtendLock(lockKey: string, owner: string, ttlMs: number): Promise<number>;
}
