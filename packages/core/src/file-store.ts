import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { invalidConfig } from './errors.js';
import { deriveCacheKey, openEnvelope, sealEnvelope } from './file-envelope.js';
import { acquireFileLock, codeOf, type HeldFileLock } from './file-lock.js';
import type { StoredRecord, TokenStore, TokenStoreLockOptions } from './store.js';

/** Options of {@link FileTokenStore}. Each falls back to its variable, then to the default. */
export interface FileTokenStoreOptions {
  /** `APIAX_CACHE_DIR`, else `$XDG_CACHE_HOME/apiax-auth`, else `~/.cache/apiax-auth`. Created with mode 0700. */
  directory?: string;
  /**
   * `APIAX_CACHE_KEY`: a passphrase (use a long random one, e.g. `openssl rand -base64 32`). When set, records
   * are encrypted at rest (AES-256-GCM, key derived with scrypt) and unencrypted files are refused.
   */
  encryptionKey?: string;
  /** Where `APIAX_CACHE_*`, `XDG_CACHE_HOME` and `HOME` are read; default `process.env`. */
  env?: { readonly [name: string]: string | undefined };
  /** Receives one `warn` per ignored file (the reason, never its content). Silent by default. */
  logger?: { warn(message: string, details?: Record<string, unknown>): void };
}

/** A bad file is a miss, not a failure: the most a file can weigh before it is ignored unread. */
const MAX_FILE_BYTES = 64 * 1024;
/** Writes (read, compare, rename) take milliseconds: their short lock is abandoned after this. */
const WRITE_LOCK_TTL_MS = 2_000;
const WRITE_LOCK_WAIT_MS = 3_000;

/**
 * A {@link TokenStore} on files, for one machine: repeated commands and apps that restart often
 * (`node --watch`, `nest start --watch`) reuse one Keycloak session instead of logging in each time.
 *
 * - One file per key (named by a hash of the key), written atomically (a temp file, then `rename`), mode 0600,
 *   in a directory of mode 0700. A file with looser permissions or another owner is ignored with a warning,
 *   as is a file that does not parse, fails its checksum, or does not decrypt: the client then logs in afresh.
 * - `set` is a compare-and-set on `obtainedAt`, done under a short per-key write lock.
 * - `withLock` is a lock file (exclusive create) holding pid and expiry: concurrent processes of one account
 *   send one grant; a lock whose holder died or expired is taken over.
 */
export class FileTokenStore implements TokenStore {
  /** The directory the files live in (absolute). */
  readonly directory: string;
  /** Whether records are encrypted at rest. */
  readonly encrypted: boolean;
  readonly #passphrase: string | undefined;
  readonly #logger: FileTokenStoreOptions['logger'];
  #cacheKey: Promise<Buffer> | undefined;
  #directoryReady: Promise<void> | undefined;

  /** Validates the options (`invalid_config` naming the option); touches no file yet. */
  constructor(options: FileTokenStoreOptions = {}) {
    const env = options.env ?? process.env;
    this.directory = resolve(stringOption(options.directory, 'directory') ?? defaultCacheDirectory(env));
    this.#passphrase = stringOption(options.encryptionKey, 'encryptionKey') ?? nonEmpty(env['APIAX_CACHE_KEY']);
    this.encrypted = this.#passphrase !== undefined;
    if (options.logger !== undefined && typeof options.logger?.warn !== 'function')
      throw invalidConfig('FileTokenStore logger', 'must have a warn method');
    this.#logger = options.logger;
  }

  async get(key: string): Promise<StoredRecord | null> {
    await this.#ready();
    return this.#read(key);
  }

  /** Compare-and-set: a record older than the one on file (by `obtainedAt`) is dropped. */
  async set(key: string, record: StoredRecord): Promise<void> {
    await this.#ready();
    await this.#underWriteLock(key, async () => {
      const current = await this.#read(key);
      if (current !== null && current.obtainedAt > record.obtainedAt) return;
      await this.#writeAtomically(this.#pathOf(key, 'json'), sealEnvelope(key, record, await this.#key()));
    });
  }

  async delete(key: string): Promise<void> {
    await this.#ready();
    await this.#underWriteLock(key, () => unlinkIfPresent(this.#pathOf(key, 'json')));
  }

  /** Runs `critical` holding the key's lock file; after `waitMs` (or an abort) it runs without it. */
  async withLock<T>(key: string, critical: () => Promise<T>, options: TokenStoreLockOptions): Promise<T> {
    await this.#ready();
    const held = await acquireFileLock(this.#pathOf(key, 'lock'), { ttlMs: options.ttlMs, waitMs: options.waitMs, signal: options.signal });
    try {
      return await critical();
    } finally {
      await held?.release().catch(() => undefined);
    }
  }

  async #underWriteLock(key: string, write: () => Promise<void>): Promise<void> {
    const held: HeldFileLock | null = await acquireFileLock(this.#pathOf(key, 'write-lock'), {
      ttlMs: WRITE_LOCK_TTL_MS,
      waitMs: WRITE_LOCK_WAIT_MS,
    });
    if (held === null) throw new Error(`apiax-auth token cache: timed out waiting for the write lock in ${this.directory}`);
    try {
      await write();
    } finally {
      await held.release().catch(() => undefined);
    }
  }

  /** The record on file, or `null` (absent, or ignored with a warning). */
  async #read(key: string): Promise<StoredRecord | null> {
    const path = this.#pathOf(key, 'json');
    let handle;
    try {
      // O_NOFOLLOW: a symlink planted in place of the file is not followed.
      handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    } catch (error) {
      const code = codeOf(error);
      if (code === 'ENOENT') return null;
      if (code === 'ELOOP' || code === 'EACCES' || code === 'EPERM')
        return this.#ignore(path, 'cannot be opened safely (a symlink, or not ours)');
      throw error;
    }
    try {
      const info = await handle.stat();
      const unsafe = permissionProblem(info);
      if (unsafe !== null) return this.#ignore(path, unsafe);
      if (!info.isFile() || info.size > MAX_FILE_BYTES) return this.#ignore(path, 'is not a token cache file');
      const opened = openEnvelope(await handle.readFile('utf8'), key, await this.#key());
      return 'record' in opened ? opened.record : this.#ignore(path, opened.problem);
    } finally {
      await handle.close();
    }
  }

  #ignore(path: string, problem: string): null {
    try {
      this.#logger?.warn(`apiax-auth token cache: ignoring ${path}: it ${problem}; a fresh login will replace it`, { file: path, problem });
    } catch {
      // A broken logger must not break the store.
    }
    return null;
  }

  async #writeAtomically(path: string, text: string): Promise<void> {
    const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(text);
      // On disk before the rename: a crash leaves the old file or the new one, never a torn one.
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temporary, path);
    } catch (error) {
      await unlinkIfPresent(temporary).catch(() => undefined);
      throw error;
    }
  }

  #key(): Promise<Buffer | undefined> {
    if (this.#passphrase === undefined) return Promise.resolve(undefined);
    this.#cacheKey ??= deriveCacheKey(this.#passphrase);
    return this.#cacheKey;
  }

  /** Creates the directory (0700) or checks the existing one: ours, closed to others. Retried after a failure. */
  #ready(): Promise<void> {
    this.#directoryReady ??= prepareDirectory(this.directory).catch((error: unknown) => {
      this.#directoryReady = undefined;
      throw error;
    });
    return this.#directoryReady;
  }

  #pathOf(key: string, kind: 'json' | 'lock' | 'write-lock'): string {
    // Keys hold URLs (`/`, `:`): a hash names the file; the key itself is inside, checked on every read.
    const name = createHash('sha256').update(key).digest('hex').slice(0, 32);
    return join(this.directory, `${name}.${kind}`);
  }
}

/** `APIAX_CACHE_DIR`, else `$XDG_CACHE_HOME/apiax-auth`, else `~/.cache/apiax-auth`. */
export function defaultCacheDirectory(env: { readonly [name: string]: string | undefined } = process.env): string {
  const explicit = nonEmpty(env['APIAX_CACHE_DIR']);
  if (explicit !== undefined) return explicit;
  const xdg = nonEmpty(env['XDG_CACHE_HOME']);
  return xdg !== undefined ? join(xdg, 'apiax-auth') : join(nonEmpty(env['HOME']) ?? homedir(), '.cache', 'apiax-auth');
}

async function prepareDirectory(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const info = await stat(directory);
  if (!info.isDirectory()) throw new Error(`apiax-auth token cache: ${directory} is not a directory`);
  const problem = permissionProblem(info);
  // Never chmod an existing directory: it may be a shared one (/tmp) given by mistake.
  if (problem !== null)
    throw new Error(`apiax-auth token cache: refusing ${directory}: it ${problem} (chmod 700 it, or choose another APIAX_CACHE_DIR)`);
}

/** POSIX only: another owner, or any group/other permission bit. Windows has no such modes to check. */
function permissionProblem(info: { uid: number; mode: number }): string | null {
  if (typeof process.getuid !== 'function') return null;
  if (info.uid !== process.getuid()) return 'belongs to another user';
  if ((info.mode & 0o077) !== 0) return `is open to other users (mode ${(info.mode & 0o777).toString(8)})`;
  return null;
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (codeOf(error) !== 'ENOENT') throw error;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function stringOption(value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw invalidConfig(`FileTokenStore ${option}`, 'must be a non-empty string');
  return value;
}
