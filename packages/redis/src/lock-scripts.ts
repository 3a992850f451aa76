/**
 * Lua scripts run atomically by Redis, so "is it still mine?", "is it newer?" and the write cannot
 * interleave with another instance. They are registered with ioredis' `defineCommand` (EVALSHA with an EVAL
 * fallback). Every script touches the keys of one account only, which share one hash slot (see
 * redis-keys.ts): Redis Cluster runs them on the shard that owns the account.
 *
 * Stored values start with their version, the record's `obtainedAt`, readable beside the ciphertext:
 * `<obtainedAt>|<encoded record>` (see stored-value.ts).
 */

/** `<version>|…` → version, or -1 for a value without one (an older format: any write replaces it). */
const VERSION_OF = `local function version_of(value)
  if not value then return -1 end
  local bar = string.find(value, '|', 1, true)
  if not bar then return -1 end
  return tonumber(string.sub(value, 1, bar - 1)) or -1
end
`;

/** The store's scripts, by the command name ioredis' `defineCommand` gives each. */
export const STORE_SCRIPTS = {
  /**
   * KEYS[1] lock, KEYS[2] record; ARGV[1] owner, ARGV[2] lease ms, ARGV[3] the record version the caller
   * knows ('' on a first attempt). Takes the lock, or answers what the record holds now, in one round trip;
   * and never takes it while the record is newer than the caller knows: that caller adopts it instead.
   * Replies `{1}` (taken) or `{0, value}` (value '' when there is no record).
   */
  apiaxAuthAcquire: {
    numberOfKeys: 2,
    lua: `${VERSION_OF}if ARGV[3] ~= '' then
  local value = redis.call('get', KEYS[2])
  if version_of(value) > tonumber(ARGV[3]) then return {0, value} end
end
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {1} end
return {0, redis.call('get', KEYS[2]) or ''}`,
  },
  /**
   * KEYS[1] lock, KEYS[2] record; ARGV[1] owner, ARGV[2] channel, ARGV[3] the lock's name as waiters know it
   * (without any ioredis keyPrefix). Deletes the lock if we own it, and publishes the lock's name with the
   * record it leaves behind: waiters adopt that record without another command.
   */
  apiaxAuthRelease: {
    numberOfKeys: 2,
    lua: `if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('del', KEYS[1])
  redis.call('publish', ARGV[2], ARGV[3] .. '\\n' .. (redis.call('get', KEYS[2]) or ''))
  return 1
end
return 0`,
  },
  /** KEYS[1] lock, ARGV[1] owner, ARGV[2] ttl ms: pushes the expiry back if we still own the lock. */
  apiaxAuthExtend: {
    numberOfKeys: 1,
    lua: `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0`,
  },
  /**
   * KEYS[1] record; ARGV[1] version, ARGV[2] value, ARGV[3] ttl ms. Compare-and-set: writes unless the stored
   * record is newer, so two instances writing back at once leave the newer record. Replies 1 if written.
   */
  apiaxAuthSetIfNewer: {
    numberOfKeys: 1,
    lua: `${VERSION_OF}if version_of(redis.call('get', KEYS[1])) > tonumber(ARGV[1]) then return 0 end
redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`,
  },
} as const;

/** The commands {@link STORE_SCRIPTS} adds to the ioredis client. */
export interface StoreCommands {
  apiaxAuthAcquire(lockKey: string, recordKey: string, owner: string, leaseMs: number, knownVersion: string): Promise<[1] | [0, string]>;
  apiaxAuthRelease(lockKey: string, recordKey: string, owner: string, channel: string, message: string): Promise<number>;
  apiaxAuthExtend(lockKey: string, owner: string, ttlMs: number): Promise<number>;
  apiaxAuthSetIfNewer(recordKey: string, version: number, value: string, ttlMs: number): Promise<number>;
}
