import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { STORE_SCRIPTS, type StoreCommands } from '../src/lock-scripts.js';
import { ACCOUNT, recordingLogger, sampleRecord } from './support/fixtures.js';
import { holdLock, useRedisStores } from './support/redis-stores.js';

const LOCK_KEY = `apiax-auth:{${ACCOUNT}}:lock`;
const RECORD_KEY = `apiax-auth:{${ACCOUNT}}:record`;
const LOCK = { ttlMs: 5000, waitMs: 20_000 };
/** 1 when the lock is free or held by ARGV[1]. */
const PROBE = `local owner = redis.call('get', KEYS[1])
if owner == false or owner == ARGV[1] then return 1 end
return 0`;

const redisStores = useRedisStores();
const store = redisStores.store;

describe('RedisTokenStore.withLock', () => {
  it('lets one holder at a time in, across stores with their own connections, and returns its value', async () => {
    const fleet = [store(), store(), store(), store()];
    let inside = 0;
    let mostInside = 0;
    let runs = 0;
    const results = await Promise.all(
      fleet.flatMap((s, instance) =>
        Array.from({ length: 5 }, (_, call) =>
          s.withLock(
            ACCOUNT,
            async () => {
              inside += 1;
              mostInside = Math.max(mostInside, inside);
              await sleep(Math.random() * 10);
              inside -= 1;
              runs += 1;
              return `${instance}.${call}`;
            },
            LOCK,
          ),
        ),
      ),
    );
    expect(mostInside).toBe(1);
    expect(runs).toBe(20);
    expect(new Set(results).size).toBe(20);
    expect(await redisStores.raw.exists(LOCK_KEY)).toBe(0);
  });

  it('holds the lock in Redis with a random owner and an expiry, and announces its release', async () => {
    const subscriber = new Redis(redisStores.redis.url);
    const released: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => released.push(message));
    await subscriber.subscribe('apiax-auth:lock-released');
    try {
      const owners: string[] = [];
      for (let i = 0; i < 2; i++) {
        await store().withLock(
          ACCOUNT,
          async () => {
            owners.push((await redisStores.raw.get(LOCK_KEY)) ?? '');
            const ttl = await redisStores.raw.pttl(LOCK_KEY);
            expect(ttl).toBeGreaterThan(0);
            expect(ttl).toBeLessThanOrEqual(LOCK.ttlMs);
          },
          LOCK,
        );
      }
      expect(owners[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(owners[1]).not.toBe(owners[0]);
      // The release names the lock and carries the record it leaves behind (none here).
      await expect.poll(() => released).toEqual([`${LOCK_KEY}\n`, `${LOCK_KEY}\n`]);
    } finally {
      subscriber.disconnect();
    }
  });

  it('wakes a waiter when the holder releases, and the waiter goes in after the holder left', async () => {
    const events: string[] = [];
    const holder = await holdLock(store(), ACCOUNT, LOCK, events);
    const waiter = store().withLock(ACCOUNT, async () => void events.push('waiter in'), LOCK);
    await sleep(300);
    expect(events).toEqual(['holder in']);
    await holder.release();
    await waiter;
    expect(events).toEqual(['holder in', 'holder out', 'waiter in']);
  });

  it('wakes every waiter with the record the release carries: they adopt it without the lock or another command', async () => {
    const holderStore = store();
    const waiters = Array.from({ length: 20 }, () => store());
    // Connected and subscribed beforehand, so that what is counted below is the coordination itself.
    await Promise.all(waiters.map((waiter) => waiter.withLock(`${ACCOUNT}-warm-up`, async () => {}, LOCK)));
    const holder = await holdLock(holderStore, ACCOUNT, LOCK);
    const holderOwner = await redisStores.raw.get(LOCK_KEY);
    // Inside, a waiter asks in one script whether the lock is free or still the holder's: then it did not
    // take the lock. (Free alone is not the test: on a loaded machine a waiter's poll may see the renewal
    // before the holder's release lands, and adopt it while the holder still holds the lock.)
    const notTaken = async () => (await redisStores.raw.eval(PROBE, 1, LOCK_KEY, holderOwner!)) === 1;
    const monitor = await new Redis(redisStores.redis.url).monitor();
    const commands: string[] = [];
    // The distinct waiters whose attempt reached Redis: counting attempts alone is not enough, since a
    // waiter may poll twice before a slower one (on a loaded machine) sent its first.
    const attemptedBy = new Set<string>();
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      // Not the script-internal calls, this test's own probe, nor the holder's lease extensions (one key).
      const name = String(args[0]).toLowerCase();
      const extension = name.startsWith('eval') && args[2] === '1' && args[3] === LOCK_KEY;
      if (source !== 'lua' && !(name === 'eval' && args[1] === PROBE) && !extension)
        commands.push(name === 'echo' ? `echo ${args[1]}` : name);
      // A waiter's attempt is the acquire script (two keys, the lock first, then the owner); the holder's
      // lease extensions (one key) are not.
      if (source !== 'lua' && name.startsWith('eval') && args[2] === '2' && args[3] === LOCK_KEY) attemptedBy.add(String(args[5]));
    });
    monitor.on('error', () => {});
    try {
      let insideWithoutTakingIt = 0;
      const adopted = waiters.map((waiter) =>
        waiter.withLock(
          ACCOUNT,
          async () => {
            // Core's critical section: re-read the store first.
            if (await notTaken()) insideWithoutTakingIt += 1;
            return waiter.get(ACCOUNT);
          },
          LOCK,
        ),
      );
      // Each waiter's first attempt refused: only then does the release find them all waiting.
      await expect.poll(() => attemptedBy.size, { timeout: 10_000 }).toBe(20);
      const renewed = sampleRecord(Date.now(), { accessToken: 'renewed-by-the-holder' });
      await holderStore.set(ACCOUNT, renewed);
      // Markers in Redis' own order: MONITOR reports commands later than they run, so a count taken on this
      // side when a promise settles is not a point in that order.
      await redisStores.raw.echo('before-release');
      await holder.release();
      expect(await Promise.all(adopted)).toEqual(Array.from({ length: 20 }, () => renewed));
      expect(insideWithoutTakingIt).toBe(20);
      await redisStores.raw.echo('after');
      await expect.poll(() => commands.includes('echo after')).toBe(true);
      const afterRenewal = commands.slice(commands.indexOf('echo before-release') + 1, commands.indexOf('echo after'));
      // The release (one command) woke them all: after the renewal, at most one poll per waiter (it adopts
      // what it reads), and none of them took the lock (the old hand-off: 20 + 19 + … attempts, 20 re-reads).
      expect(afterRenewal.length).toBeLessThanOrEqual(1 + 20);
      expect(commands.filter((name) => name === 'get')).toEqual([]);
    } finally {
      monitor.disconnect();
    }
  });

  it('an instance that was not waiting adopts a renewal newer than it has seen from its first attempt: one command, no lock', async () => {
    const late = store();
    const renewer = store();
    const seenAt = Date.now() - 10_000;
    await late.set(ACCOUNT, sampleRecord(seenAt, { accessToken: 'seen-by-late' }));
    const renewed = sampleRecord(Date.now(), { accessToken: 'renewed-while-late-was-not-waiting' });
    await renewer.set(ACCOUNT, renewed);
    await late.withLock(`${ACCOUNT}-warm-up`, async () => {}, LOCK); // connected beforehand
    const monitor = await new Redis(redisStores.redis.url).monitor();
    const commands: string[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source !== 'lua' && String(args[0]).toLowerCase() !== 'exists') commands.push(String(args[0]).toLowerCase());
    });
    monitor.on('error', () => {});
    try {
      const read = await late.withLock(
        ACCOUNT,
        async () => ({ lockHeld: (await redisStores.raw.exists(LOCK_KEY)) === 1, record: await late.get(ACCOUNT) }),
        LOCK,
      );
      expect(read).toEqual({ lockHeld: false, record: renewed });
      // MONITOR reports late: a marker says when it has caught up.
      await redisStores.raw.echo('after');
      await expect.poll(() => commands.at(-1)).toBe('echo');
      // The one lock attempt answered the newer record; no GET, no release.
      expect(commands).toEqual(['evalsha', 'echo']);
    } finally {
      monitor.disconnect();
    }
  });

  it('does not adopt a renewal already past half its life by its clock: it takes the lock, and core decides', async () => {
    const holderStore = store();
    const holder = await holdLock(holderStore, ACCOUNT, LOCK);
    const events: string[] = [];
    // Its clock is 20 minutes ahead: the 30-minute token renewed just now is, for it, two thirds through.
    const late = store({ now: () => Date.now() + 20 * 60_000 });
    const waiter = late.withLock(ACCOUNT, async () => void events.push(`inside, lock ${await redisStores.raw.exists(LOCK_KEY)}`), LOCK);
    await sleep(200);
    await holderStore.set(ACCOUNT, sampleRecord(Date.now()));
    await holder.release();
    await waiter;
    expect(events).toEqual(['inside, lock 1']);
  });

  it('does not adopt a record that is not newer than when the wait began: it takes the lock', async () => {
    const stale = sampleRecord(Date.now() - 1000, { accessToken: 'there-before-the-wait' });
    await store().set(ACCOUNT, stale);
    const holder = await holdLock(store(), ACCOUNT, LOCK);
    const events: string[] = [];
    const waiter = store().withLock(ACCOUNT, async () => void events.push(`inside, lock ${await redisStores.raw.exists(LOCK_KEY)}`), LOCK);
    await sleep(200);
    await holder.release(); // released without a renewal: the record is the one the waiter saw
    await waiter;
    expect(events).toEqual(['inside, lock 1']);
  });

  it('takes over a lock whose holder died once it expires, without a warning', async () => {
    // What a killed holder leaves behind: a lock nobody will release or extend.
    await redisStores.raw.set(LOCK_KEY, 'dead-holder', 'PX', 1500);
    const logger = recordingLogger();
    let ownerSeenInside: string | null = 'dead-holder';
    await store({ logger }).withLock(ACCOUNT, async () => void (ownerSeenInside = await redisStores.raw.get(LOCK_KEY)), LOCK);
    expect(ownerSeenInside).not.toBe('dead-holder');
    expect(ownerSeenInside).not.toBeNull();
    expect(logger.at('warn')).toEqual([]);
  });

  it('renews its lease while a long critical section runs, so nobody else enters', async () => {
    const [slow, other] = [store({ lockLeaseMs: 600 }), store({ lockLeaseMs: 600 })];
    const events: string[] = [];
    let ttlAfterFirstLease = 0;
    let entered!: () => void;
    const slowInside = new Promise<void>((resolve) => (entered = resolve));
    const first = slow.withLock(
      ACCOUNT,
      async () => {
        events.push('slow in');
        entered();
        await sleep(2500);
        ttlAfterFirstLease = await redisStores.raw.pttl(LOCK_KEY);
        events.push('slow out');
      },
      LOCK,
    );
    await slowInside;
    const second = other.withLock(ACCOUNT, async () => void events.push('other in'), LOCK);
    await Promise.all([first, second]);
    expect(ttlAfterFirstLease).toBeGreaterThan(0);
    expect(ttlAfterFirstLease).toBeLessThanOrEqual(600);
    expect(events).toEqual(['slow in', 'slow out', 'other in']);
  });

  it('holds the lock no longer than ttlMs, even for a holder that is still working', async () => {
    const holder = await holdLock(store({ lockLeaseMs: 300 }), ACCOUNT, { ttlMs: 1000, waitMs: 20_000 });
    await expect(store().withLock(ACCOUNT, async () => 'entered', LOCK)).resolves.toBe('entered');
    await holder.release();
  });

  it('goes ahead without the lock after waitMs, with a warning, rather than fail', async () => {
    const logger = recordingLogger();
    const holder = await holdLock(store(), ACCOUNT, LOCK);
    const result = await store({ logger }).withLock(ACCOUNT, async () => 'ran anyway', { ttlMs: 5000, waitMs: 300 });
    expect(result).toBe('ran anyway');
    expect(logger.at('warn').map((entry) => entry.message)).toEqual([
      'Redis token store: waited 300 ms for another instance to finish a grant; going ahead without the lock.',
    ]);
    await holder.release();
  });

  it('serialises callers in one process before Redis, and applies waitMs to them too', async () => {
    const logger = recordingLogger();
    const s = store({ logger });
    const holder = await holdLock(s, ACCOUNT, LOCK);
    await expect(s.withLock(ACCOUNT, async () => 'late', { ttlMs: 5000, waitMs: 200 })).resolves.toBe('late');
    expect(logger.at('warn').map((entry) => entry.message)).toEqual([
      'Redis token store: waited 200 ms for another call in this process to finish a grant; going ahead without the lock.',
    ]);
    await holder.release();
  });

  it("warns when its lock was taken from it, and then leaves the new owner's lock alone", async () => {
    const logger = recordingLogger();
    const holder = await holdLock(store({ logger, lockLeaseMs: 300 }), ACCOUNT, LOCK);
    // What an expired lease looks like to its holder: another instance owns the lock now.
    await redisStores.raw.set(LOCK_KEY, 'other-instance', 'PX', 20_000);
    await expect
      .poll(() => logger.at('warn').map((entry) => entry.message), { timeout: 10_000 })
      .toEqual(['Redis token store: a lock expired while its holder was still working; another instance may run a grant too.']);
    await holder.release();
    expect(await redisStores.raw.get(LOCK_KEY)).toBe('other-instance');
  });

  it('releases the lock when the critical section throws, and passes the error on', async () => {
    const failure = new Error('grant failed');
    await expect(store().withLock(ACCOUNT, async () => Promise.reject(failure), LOCK)).rejects.toBe(failure);
    expect(await redisStores.raw.exists(LOCK_KEY)).toBe(0);
  });

  it('stops waiting when the signal aborts, leaving the holder alone', async () => {
    const holder = await holdLock(store(), ACCOUNT, LOCK);
    const controller = new AbortController();
    let ran = false;
    const waiting = store().withLock(ACCOUNT, async () => void (ran = true), { ...LOCK, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('client closed')), 200);
    await expect(waiting).rejects.toThrow('client closed');
    expect(ran).toBe(false);
    expect(await redisStores.raw.exists(LOCK_KEY)).toBe(1);
    await holder.release();
    expect(await redisStores.raw.exists(LOCK_KEY)).toBe(0);
  });
});

describe('lock scripts', () => {
  it('release and extend only what the caller owns', async () => {
    const client = new Redis(redisStores.redis.url) as Redis & StoreCommands;
    try {
      for (const [name, script] of Object.entries(STORE_SCRIPTS)) client.defineCommand(name, script);
      await redisStores.raw.set(LOCK_KEY, 'owner-x', 'PX', 5000);
      expect(await client.apiaxAuthRelease(LOCK_KEY, RECORD_KEY, 'owner-y', 'channel', LOCK_KEY)).toBe(0);
      expect(await client.apiaxAuthExtend(LOCK_KEY, 'owner-y', 60_000)).toBe(0);
      expect(await redisStores.raw.pttl(LOCK_KEY)).toBeLessThanOrEqual(5000);
      expect(await client.apiaxAuthExtend(LOCK_KEY, 'owner-x', 60_000)).toBe(1);
      expect(await redisStores.raw.pttl(LOCK_KEY)).toBeGreaterThan(5000);
      expect(await client.apiaxAuthRelease(LOCK_KEY, RECORD_KEY, 'owner-x', 'channel', LOCK_KEY)).toBe(1);
      expect(await redisStores.raw.exists(LOCK_KEY)).toBe(0);
    } finally {
      client.disconnect();
    }
  });

  it('acquire answers the stored record instead of the lock when the lock is taken or the record newer, in one round trip', async () => {
    const client = new Redis(redisStores.redis.url) as Redis & StoreCommands;
    try {
      for (const [name, script] of Object.entries(STORE_SCRIPTS)) client.defineCommand(name, script);
      expect(await client.apiaxAuthAcquire(LOCK_KEY, RECORD_KEY, 'owner-x', 5000, '')).toEqual([1]);
      expect(await client.apiaxAuthAcquire(LOCK_KEY, RECORD_KEY, 'owner-y', 5000, '')).toEqual([0, '']);
      await redisStores.raw.set(RECORD_KEY, '42|v1.gcm.stored');
      expect(await client.apiaxAuthAcquire(LOCK_KEY, RECORD_KEY, 'owner-y', 5000, '')).toEqual([0, '42|v1.gcm.stored']);
      // Free lock, but a record newer than the caller knows: it is not taken, the record is the answer.
      await redisStores.raw.del(LOCK_KEY);
      expect(await client.apiaxAuthAcquire(LOCK_KEY, RECORD_KEY, 'owner-y', 5000, '41')).toEqual([0, '42|v1.gcm.stored']);
      expect(await redisStores.raw.exists(LOCK_KEY)).toBe(0);
      expect(await client.apiaxAuthAcquire(LOCK_KEY, RECORD_KEY, 'owner-y', 5000, '42')).toEqual([1]);
    } finally {
      client.disconnect();
    }
  });

  it('set-if-newer never replaces a newer record, and replaces an older or unversioned one', async () => {
    const client = new Redis(redisStores.redis.url) as Redis & StoreCommands;
    try {
      for (const [name, script] of Object.entries(STORE_SCRIPTS)) client.defineCommand(name, script);
      await redisStores.raw.set(RECORD_KEY, 'v1.plain.{"old":"format"}');
      expect(await client.apiaxAuthSetIfNewer(RECORD_KEY, 100, '100|a', 5000)).toBe(1);
      expect(await client.apiaxAuthSetIfNewer(RECORD_KEY, 99, '99|b', 5000)).toBe(0);
      expect(await redisStores.raw.get(RECORD_KEY)).toBe('100|a');
      expect(await client.apiaxAuthSetIfNewer(RECORD_KEY, 100.5, '100.5|c', 5000)).toBe(1);
      expect(await redisStores.raw.get(RECORD_KEY)).toBe('100.5|c');
      expect(await redisStores.raw.pttl(RECORD_KEY)).toBeGreaterThan(4000);
    } finally {
      client.disconnect();
    }
  });
});
