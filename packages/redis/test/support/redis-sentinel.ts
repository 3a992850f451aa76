import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitUntilAnswering } from './redis-server.js';

/** The name Sentinel knows the primary by. */
export const SENTINEL_MASTER_NAME = 'apiax-primary';

/** A real Sentinel set-up on loopback: a primary, one replica, three sentinels (quorum 2). */
export interface RedisSentinelSetup {
  readonly sentinels: Array<{ host: string; port: number }>;
  readonly primaryPort: number;
  readonly replicaPort: number;
  /** SIGKILLs the current primary: Sentinel sees it down after 1 s and promotes the replica. */
  killPrimary(): Promise<void>;
  /** The port Sentinel names as the primary now. */
  currentPrimaryPort(): Promise<number>;
  stop(): Promise<void>;
}

export async function startRedisSentinel(): Promise<RedisSentinelSetup> {
  const dir = await mkdtemp(join(tmpdir(), 'apiax-redis-sentinel-'));
  const children = new Map<number, ChildProcess>();
  const start = async (port: number, args: string[]): Promise<void> => {
    const child = spawn('/usr/bin/redis-server', args, { stdio: 'ignore' });
    children.set(port, child);
    await waitUntilAnswering(port, child);
  };
  const kill = async (child: ChildProcess | undefined): Promise<void> => {
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  };
  const stop = async (): Promise<void> => {
    await Promise.all([...children.values()].map(kill));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const base = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning', '--dir', dir];
    const primaryPort = await freePort();
    await start(primaryPort, ['--port', String(primaryPort), ...base]);
    const replicaPort = await freePort();
    await start(replicaPort, ['--port', String(replicaPort), ...base, '--replicaof', '127.0.0.1', String(primaryPort)]);
    const sentinels: Array<{ host: string; port: number }> = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const config = join(dir, `sentinel-${port}.conf`);
      // Sentinel rewrites its config file as it learns the set-up: it must be a writable file of its own.
      await writeFile(
        config,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${primaryPort} 2`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} 1000`,
          `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 5000`,
          `sentinel parallel-syncs ${SENTINEL_MASTER_NAME} 1`,
          '',
        ].join('\n'),
      );
      await start(port, [config, '--sentinel']);
      sentinels.push({ host: '127.0.0.1', port });
    }
    const currentPrimaryPort = async (): Promise<number> => {
      const client = new Redis({ host: '127.0.0.1', port: sentinels[0]!.port, lazyConnect: true });
      try {
        const [, port] = (await client.call('SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER_NAME)) as [string, string];
        return Number(port);
      } finally {
        client.disconnect();
      }
    };
    await waitForReplication(primaryPort);
    return {
      sentinels,
      primaryPort,
      replicaPort,
      currentPrimaryPort,
      killPrimary: async () => kill(children.get(await currentPrimaryPort())),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitForReplication(primaryPort: number): Promise<void> {
  const client = new Redis({ host: '127.0.0.1', port: primaryPort, lazyConnect: true });
  try {
    const deadline = Date.now() + 30_000;
    while (!/connected_slaves:1/.test(await client.info('replication'))) {
      if (Date.now() > deadline) throw new Error('the replica did not connect within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    client.disconnect();
  }
}
