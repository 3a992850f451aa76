import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findRedisServer } from '../src/orchestrator/find-redis-server.js';
import { spawnService, type ServiceProcess } from '../src/orchestrator/service-process.js';
import { FleetStartError, startFleet } from '../src/orchestrator/start-fleet.js';
import { eventually } from './support/demo-process.js';
import { DEMO_DIR } from './support/paths.js';
import { descendantsOf, isRunning } from './support/process-tree.js';

const KEEPER = join(DEMO_DIR, 'dist', 'apps', 'redis-keeper', 'main.js');

/** Sends one inline command to Redis and returns the raw reply. */
function redisCommand(url: string, command: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let reply = '';
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8');
      // Enough for the short replies read here: a status line, or an array of two bulk strings.
      if (/^\+/.test(reply) || reply.split('\r\n').length >= 5) {
        socket.end();
        resolve(reply);
      }
    });
    socket.write(`${command}\r\n`);
  });
}

describe('the redis keeper', () => {
  const started: ServiceProcess[] = [];
  afterEach(async () => {
    await Promise.all(started.map((service) => service.stop(1_000)));
    started.length = 0;
  });

  const startKeeper = (redisServer: string): ServiceProcess => {
    const keeper = spawnService({
      name: 'redis',
      args: [KEEPER, redisServer],
      env: { PATH: process.env.PATH },
      cwd: DEMO_DIR,
      verbose: false,
      ipc: true,
    });
    started.push(keeper);
    return keeper;
  };

  it('runs a private redis-server without persistence, and takes it and its directory away when stopped', async () => {
    const keeper = startKeeper(findRedisServer(process.env) ?? 'redis-server');
    const url = await keeper.announcedUrl(20_000);
    expect(url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(await redisCommand(url, 'PING')).toBe('+PONG\r\n');
    expect(await redisCommand(url, 'CONFIG GET save')).toMatch(/save\r\n\$0\r\n/);
    expect(await redisCommand(url, 'CONFIG GET appendonly')).toMatch(/appendonly\r\n\$2\r\nno\r\n/);
    const directory = /dir\r\n\$\d+\r\n(.+)\r\n/.exec(await redisCommand(url, 'CONFIG GET dir'))?.[1] ?? '';
    expect(directory).toContain('apiax-demo-redis-');
    const processes = descendantsOf(keeper.pid);
    expect(processes).toHaveLength(1);

    await keeper.stop();
    await eventually('redis-server has exited', () => processes.every((pid) => !isRunning(pid)), 5_000);
    await expect(redisCommand(url, 'PING')).rejects.toThrow(/ECONNREFUSED/);
    expect(existsSync(directory)).toBe(false);
  });

  it('exits with redis-server’s last words when it cannot start one', async () => {
    const keeper = startKeeper('/bin/false');
    await expect(keeper.announcedUrl(20_000)).rejects.toThrow(/^redis exited before it was ready \(1\)/);
    expect(keeper.recentOutput().join('\n')).toContain('redis-server exited (1)');
  });

  it('a fleet whose redis-server fails leaves no process behind, and says why', async () => {
    const registered: ServiceProcess[] = [];
    const start = startFleet({
      redisServer: '/bin/false',
      appEnv: { PATH: process.env.PATH },
      fleetPassword: 'unused',
      distDir: join(DEMO_DIR, 'dist'),
      cwd: DEMO_DIR,
      verbose: false,
      timeoutMs: 20_000,
      register: (service) => registered.push(service),
      forget: (service) => registered.splice(registered.indexOf(service), 1),
    });
    const error = await start.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FleetStartError);
    expect((error as FleetStartError).message).toMatch(/^redis exited before it was ready/);
    expect((error as FleetStartError).output.join('\n')).toContain('redis-server exited (1)');
    expect(registered).toEqual([]);
  });
});
