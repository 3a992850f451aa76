import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FakeApiax } from '@apiax-auth/testing';
import type { ApiaxAuthStatus } from '@apiax-auth/core';

const INSTANCE_SCRIPT = fileURLToPath(new URL('../fixtures/fleet-instance.mjs', import.meta.url));

export interface BurstResult {
  ok: number;
  failed: number;
  /** The first few failures, e.g. `http 401` or `error timeout`. */
  failures: string[];
  /** How many calls ended each way: `ok`, `error invalid_credentials`, `http 401`... */
  byOutcome: Record<string, number>;
}

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  details?: Record<string, unknown>;
}

export interface InstanceReport {
  status: ApiaxAuthStatus;
  storeLog: LogEntry[];
  /** What the client (core) logged at info level and above. */
  clientLog: LogEntry[];
}

/** One forked instance (its own process, client and RedisTokenStore). */
export class FleetInstance {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  #nextId = 1;
  readonly online: Promise<void>;
  readonly exited: Promise<void>;

  constructor() {
    this.#child = fork(INSTANCE_SCRIPT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.online = new Promise((resolve, reject) => {
      this.#child.once('error', reject);
      this.#child.on('message', (message: { type?: string; id?: number; result?: unknown; error?: string }) => {
        if (message.type === 'online') resolve();
        const pending = message.id === undefined ? undefined : this.#pending.get(message.id);
        if (pending === undefined || message.id === undefined) return;
        this.#pending.delete(message.id);
        if (message.error !== undefined) pending.reject(new Error(message.error));
        else pending.resolve(message.result);
      });
    });
    this.exited = new Promise((resolve) => {
      this.#child.once('exit', () => {
        for (const pending of this.#pending.values()) pending.reject(new Error('instance exited'));
        this.#pending.clear();
        resolve();
      });
    });
  }

  request<T>(type: string, payload: Record<string, unknown> = {}): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve, reject });
      this.#child.send({ ...payload, type, id });
    });
  }

  burst(calls: number): Promise<BurstResult> {
    return this.request('burst', { calls });
  }

  report(): Promise<InstanceReport> {
    return this.request('status');
  }

  /** SIGKILL: no cleanup, no lock release, as when a machine dies. */
  async kill(): Promise<void> {
    this.#child.kill('SIGKILL');
    await this.exited;
  }

  async close(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    await Promise.race([this.request('close').catch(() => {}), this.exited]);
    this.#child.kill('SIGKILL');
    await this.exited;
  }
}

export interface FleetOptions {
  size: number;
  fake: FakeApiax;
  redisUrl?: string;
  encryptionKey?: string;
  /** Instead of `redisUrl`: the masters of a Redis Cluster, or a Sentinel set-up (see fleet-instance.mjs). */
  cluster?: Array<{ host: string; port: number }>;
  sentinel?: { sentinels: Array<{ host: string; port: number }>; name: string };
  /** `false`: each instance keeps the default in-memory store (the baseline). */
  withStore?: boolean;
  /** `APIAX_*` values over the fake's own (a wrong `APIAX_PASSWORD`...). */
  env?: Record<string, string>;
  /** Where the shared clock starts, ms ahead of real time: a fleet restarted after `advance` keeps the fake's time. */
  offsetMs?: number;
}

/**
 * N instances sharing a Redis store, and the clock they share with the fake: real time plus an offset that
 * {@link Fleet.advance} moves for everyone at once, so refresh cycles happen without sleeping.
 */
export class Fleet {
  readonly instances: FleetInstance[];
  readonly #fake: FakeApiax;
  readonly #options: FleetOptions;
  readonly #dead = new Set<FleetInstance>();
  #offsetMs: number;

  private constructor(instances: FleetInstance[], options: FleetOptions) {
    this.instances = instances;
    this.#fake = options.fake;
    this.#options = options;
    this.#offsetMs = options.offsetMs ?? 0;
  }

  static async start(options: FleetOptions): Promise<Fleet> {
    const instances = Array.from({ length: options.size }, () => new FleetInstance());
    const fleet = new Fleet(instances, options);
    await Promise.all(instances.map((instance) => fleet.#startClient(instance)));
    return fleet;
  }

  /** How far ahead of real time the fleet's (and the fake's) clock runs, ms. */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** One more instance, started now with the fleet's options and clock (a late start, a scale-out). */
  async add(): Promise<FleetInstance> {
    const instance = new FleetInstance();
    this.instances.push(instance);
    await this.#startClient(instance);
    return instance;
  }

  async #startClient(instance: FleetInstance): Promise<void> {
    const options = this.#options;
    await instance.online;
    await instance.request('start', {
      env: { ...options.fake.env, ...options.env },
      redisUrl: options.redisUrl,
      encryptionKey: options.encryptionKey,
      cluster: options.cluster,
      sentinel: options.sentinel,
      withStore: options.withStore ?? true,
      offset: this.#offsetMs,
    });
  }

  /** Moves the fake's clock and every instance's clock forward by `seconds`. */
  async advance(seconds: number): Promise<void> {
    this.#fake.advance(seconds);
    this.#offsetMs += seconds * 1000;
    await Promise.all(this.live().map((instance) => instance.request('setOffset', { offset: this.#offsetMs })));
  }

  /** `calls` concurrent API calls on every live instance at once. */
  async burst(calls: number, instances: FleetInstance[] = this.live()): Promise<BurstResult> {
    const results = await Promise.all(instances.map((instance) => instance.burst(calls)));
    return {
      ok: results.reduce((sum, result) => sum + result.ok, 0),
      failed: results.reduce((sum, result) => sum + result.failed, 0),
      failures: results.flatMap((result) => result.failures).slice(0, 10),
      byOutcome: sumCounts(results.map((result) => result.byOutcome)),
    };
  }

  live(): FleetInstance[] {
    return this.instances.filter((instance) => !this.#dead.has(instance));
  }

  async kill(instance: FleetInstance): Promise<void> {
    this.#dead.add(instance);
    await instance.kill();
  }

  async close(): Promise<void> {
    await Promise.all(this.instances.map((instance) => instance.close()));
  }
}

/** Adds up per-instance counts by key. */
function sumCounts(counts: Array<Record<string, number>>): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const count of counts) for (const [key, value] of Object.entries(count)) sum[key] = (sum[key] ?? 0) + value;
  return sum;
}
