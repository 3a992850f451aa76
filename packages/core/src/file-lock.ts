import { randomBytes } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';

/** What a lock file holds: who took it and until when it may be held. */
interface LockOwner {
  pid: number;
  host: string;
  /** Random: tells this holder's lock from a later one at the same path. */
  nonce: string;
  /** Epoch ms; past it, anyone may take the lock over. */
  expiresAt: number;
}

/** A held lock: release it once, in a `finally`. */
export interface HeldFileLock {
  release(): Promise<void>;
}

export interface FileLockOptions {
  /** How long a holder may keep it; after that it counts as abandoned. */
  ttlMs: number;
  /** How long to wait for it; then `acquireFileLock` resolves `null`. */
  waitMs: number;
  signal?: AbortSignal | undefined;
  /** Delay between two attempts; default 25 ms. */
  pollMs?: number;
}

/** A lock file that cannot be parsed (being written, or damaged) counts as held until it is this old. */
const UNREADABLE_LOCK_GRACE_MS = 2_000;
/** The breaker guards the takeover of a stale lock; a breaker older than this was left by a crashed process. */
const BREAKER_STALE_MS = 5_000;

/**
 * Takes an exclusive-create lock file at `path` (`O_EXCL`: one creator wins, across processes). A lock
 * whose holder is past its expiry, or whose process is gone (same host), is taken over. Resolves `null`
 * when `waitMs` passed or `signal` aborted first: the caller then goes on without the lock.
 */
export async function acquireFileLock(path: string, options: FileLockOptions): Promise<HeldFileLock | null> {
  const deadline = Date.now() + options.waitMs;
  const pollMs = options.pollMs ?? 25;
  for (;;) {
    const owner: LockOwner = {
      pid: process.pid,
      host: hostname(),
      nonce: randomBytes(12).toString('base64url'),
      expiresAt: Date.now() + options.ttlMs,
    };
    if (await tryCreate(path, owner)) return { release: () => releaseIfOurs(path, owner.nonce) };
    const holder = await readOwner(path);
    if (holder === 'gone') continue;
    if (await isAbandoned(path, holder)) {
      await breakStaleLock(path, holder);
      continue;
    }
    if (Date.now() >= deadline || options.signal?.aborted === true) return null;
    await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())), options.signal);
  }
}

async function tryCreate(path: string, owner: LockOwner): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(owner));
  } finally {
    await handle.close();
  }
  return true;
}

/** The lock's holder; `null` when the file cannot be parsed; `'gone'` when it vanished meanwhile. */
async function readOwner(path: string): Promise<LockOwner | null | 'gone'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    const valid =
      Number.isSafeInteger(value.pid) &&
      typeof value.host === 'string' &&
      typeof value.nonce === 'string' &&
      Number.isFinite(value.expiresAt);
    return valid ? (value as LockOwner) : null;
  } catch {
    return null;
  }
}

async function isAbandoned(path: string, holder: LockOwner | null): Promise<boolean> {
  if (holder === null) return (await ageOf(path)) > UNREADABLE_LOCK_GRACE_MS;
  if (Date.now() > holder.expiresAt) return true;
  return holder.host === hostname() && !isProcessAlive(holder.pid);
}

/**
 * Removes an abandoned lock, unless someone replaced it meanwhile. Several waiters may judge the same lock
 * abandoned at once: they take turns through a breaker file, and each re-reads the lock under it, so a
 * fresh lock that another waiter created in between is never removed.
 */
async function breakStaleLock(path: string, judged: LockOwner | null): Promise<void> {
  const breaker = `${path}.break`;
  let handle;
  try {
    handle = await open(breaker, 'wx', 0o600);
  } catch (error) {
    if (codeOf(error) !== 'EEXIST') throw error;
    if ((await ageOf(breaker)) > BREAKER_STALE_MS) await unlinkQuietly(breaker);
    await sleep(5, undefined);
    return;
  }
  try {
    await handle.close();
    const current = await readOwner(path);
    const unchanged =
      current === null
        ? judged === null && (await ageOf(path)) > UNREADABLE_LOCK_GRACE_MS
        : current !== 'gone' && judged !== null && current.nonce === judged.nonce;
    if (unchanged) await unlinkQuietly(path);
  } finally {
    await unlinkQuietly(breaker);
  }
}

async function releaseIfOurs(path: string, nonce: string): Promise<void> {
  const holder = await readOwner(path).catch(() => null);
  // Held past its ttl, the lock may belong to someone else by now: theirs stays.
  if (holder !== null && holder !== 'gone' && holder.nonce === nonce) await unlinkQuietly(path);
}

/** `kill(pid, 0)` sends nothing: it only asks whether the process exists (EPERM: it does, as another user). */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) === 'EPERM';
  }
}

async function ageOf(path: string): Promise<number> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return 0;
  }
}

async function unlinkQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (codeOf(error) !== 'ENOENT') throw error;
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The `code` of a Node system error (`ENOENT`, `EEXIST`...). */
export function codeOf(error: unknown): string | undefined {
  return (error as { code?: unknown } | null)?.code as string | undefined;
}
