import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { describe, expect, it } from 'vitest';
import { ApiaxHealthIndicator } from '../src/health.js';
import { ApiaxAuth, ApiaxAuthModule } from '../src/index.js';
import { canary, createApp, listen, optionsFor, startFake } from './support/helpers.js';

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly apiax: ApiaxHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.apiax.isHealthy('apiax')]);
  }
}

async function startApp(password: string, users: { username: string; password: string }[]) {
  const fake = await startFake({ users });
  const app = await createApp({
    imports: [ApiaxAuthModule.forRoot({ ...optionsFor(fake, { password }), isGlobal: true }), TerminusModule],
    providers: [ApiaxHealthIndicator],
    controllers: [HealthController],
  });
  return { fake, app, baseUrl: await listen(app) };
}

describe('ApiaxHealthIndicator with @nestjs/terminus', () => {
  it('answers 200 with the apiax details while up, without a login', async () => {
    const { fake, app, baseUrl } = await startApp('demo', [{ username: 'demo', password: 'demo' }]);
    const idle = await fetch(`${baseUrl}/health`);
    expect(idle.status).toBe(200);
    expect(((await idle.json()) as { info: { apiax: unknown } }).info.apiax).toMatchObject({
      status: 'up',
      state: 'signed-out',
      store: 'local',
    });
    expect(fake.stats.tokenRequests).toBe(0);
    const token = await app.get(ApiaxAuth).getAccessToken();
    const up = await fetch(`${baseUrl}/health`);
    const text = await up.text();
    expect(up.status).toBe(200);
    expect(JSON.parse(text).info.apiax).toMatchObject({ status: 'up', state: 'valid' });
    expect(text).not.toContain(token);
  });

  it('answers 503 once the credentials are rejected, with the code and no secret', async () => {
    const password = canary('password');
    const { app, baseUrl } = await startApp(password, [{ username: 'demo', password: 'demo' }]);
    await expect(app.get(ApiaxAuth).getAccessToken()).rejects.toMatchObject({ code: 'invalid_credentials' });
    const down = await fetch(`${baseUrl}/health`);
    const text = await down.text();
    expect(down.status).toBe(503);
    expect(JSON.parse(text).error.apiax).toMatchObject({ status: 'down', state: 'failed', lastError: { code: 'invalid_credentials' } });
    expect(text).not.toContain(password);
  });
});

describe('Terminus stays optional', () => {
  it('only the ./health entry imports @nestjs/terminus; the main entry never does', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const sourceDir = new URL('../src/', import.meta.url);
    const importers: string[] = [];
    for (const file of await readdir(sourceDir)) {
      if (/from '@nestjs\/terminus'/.test(await readFile(new URL(file, sourceDir), 'utf8'))) importers.push(file);
    }
    expect(importers).toEqual(['health.ts']);
    const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    expect(manifest.exports['./health']).toEqual({
      import: { types: './dist/health.d.ts', default: './dist/health.js' },
      require: { types: './dist/health.d.cts', default: './dist/health.cjs' },
    });
    // The built main entries (ESM and CommonJS) never load Terminus either.
    for (const entry of ['../dist/index.js', '../dist/index.cjs']) {
      expect(await readFile(new URL(entry, import.meta.url), 'utf8')).not.toContain('@nestjs/terminus');
    }
    expect(manifest.peerDependenciesMeta['@nestjs/terminus']).toEqual({ optional: true });
  });
});
