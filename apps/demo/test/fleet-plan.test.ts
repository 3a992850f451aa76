import { describe, expect, it } from 'vitest';
import { findRedisServer } from '../src/orchestrator/find-redis-server.js';
import { planFleet } from '../src/orchestrator/fleet-plan.js';
import { bannerLines } from '../src/orchestrator/demo-banner.js';
import { readFleetSetup } from '../src/shared/fleet-settings.js';

describe('planFleet', () => {
  it('starts the fleet on the embedded fake when a redis-server was found', () => {
    expect(planFleet({}, 'fake', '/usr/bin/redis-server')).toEqual({ start: true, redisServer: '/usr/bin/redis-server' });
  });

  it('says why it does not: switched off, no redis-server, or the real Apiax', () => {
    for (const off of ['off', '0', 'false']) {
      expect(planFleet({ DEMO_FLEET: off }, 'fake', '/usr/bin/redis-server')).toEqual({ start: false, absence: 'disabled' });
    }
    expect(planFleet({}, 'fake', null)).toEqual({ start: false, absence: 'no-redis-server' });
    expect(planFleet({}, 'real', '/usr/bin/redis-server')).toEqual({ start: false, absence: 'real-apiax' });
    // Switched off wins: the user said so, whatever else is true.
    expect(planFleet({ DEMO_FLEET: 'off' }, 'real', null)).toEqual({ start: false, absence: 'disabled' });
  });
});

describe('findRedisServer', () => {
  const only =
    (...paths: string[]) =>
    (path: string) =>
      paths.includes(path);

  it('takes the first on the PATH, then the usual places', () => {
    expect(findRedisServer({ PATH: '/a:/b' }, only('/b/redis-server', '/usr/bin/redis-server'))).toBe('/b/redis-server');
    expect(findRedisServer({ PATH: '/a' }, only('/usr/bin/redis-server'))).toBe('/usr/bin/redis-server');
    expect(findRedisServer({}, only('/opt/homebrew/bin/redis-server'))).toBe('/opt/homebrew/bin/redis-server');
    expect(findRedisServer({ PATH: '/a' }, only())).toBeNull();
  });

  it('uses DEMO_REDIS_SERVER alone when it is set', () => {
    expect(findRedisServer({ DEMO_REDIS_SERVER: '/opt/redis/bin/redis-server' }, only('/opt/redis/bin/redis-server'))).toBe(
      '/opt/redis/bin/redis-server',
    );
    expect(findRedisServer({ DEMO_REDIS_SERVER: '/nowhere/redis-server', PATH: '/usr/bin' }, only('/usr/bin/redis-server'))).toBeNull();
  });

  it('finds a real one on this machine (the fleet tests need it)', () => {
    expect(findRedisServer(process.env)).toMatch(/redis-server$/);
  });
});

describe('readFleetSetup', () => {
  it('reads the URLs the orchestrator handed to the dashboard, or why there are none', () => {
    expect(readFleetSetup({ DEMO_FLEET_URLS: 'http://127.0.0.1:1,http://127.0.0.1:2' })).toEqual({
      running: true,
      urls: ['http://127.0.0.1:1', 'http://127.0.0.1:2'],
    });
    expect(readFleetSetup({ DEMO_FLEET_ABSENCE: 'no-redis-server' })).toEqual({ running: false, absence: 'no-redis-server' });
    // Not started by `pnpm demo` (or a value it never writes): off, rather than a card that waits forever.
    expect(readFleetSetup({})).toEqual({ running: false, absence: 'disabled' });
    expect(readFleetSetup({ DEMO_FLEET_ABSENCE: 'nonsense' })).toEqual({ running: false, absence: 'disabled' });
  });
});

describe('bannerLines', () => {
  it('says whether the fleet runs, and how to get one without redis-server', () => {
    const withFleet = bannerLines('fake', 'http://127.0.0.1:3000', {}, null).join('\n');
    expect(withFleet).toContain('a fleet: 4 instances of one app sharing one Redis store');
    const without = bannerLines('fake', 'http://127.0.0.1:3000', {}, 'no-redis-server').join('\n');
    expect(without).toContain('`apt-get install redis-server` or `brew install redis`, then `pnpm demo` again');
    expect(bannerLines('fake', 'http://127.0.0.1:3000', {}, 'disabled').join('\n')).toContain('DEMO_FLEET=off');
  });
});
