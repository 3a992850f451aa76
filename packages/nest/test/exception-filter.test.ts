import { Controller, Get, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { describe, expect, it } from 'vitest';
import { ApiaxAuth, ApiaxAuthModule, ApiaxExceptionFilter, toProblemDetails, ApiaxAuthError } from '../src/index.js';
import { createApp, listen, optionsFor, startFake } from './support/helpers.js';

@Controller('probe')
class ProbeController {
  constructor(private readonly apiax: ApiaxAuth) {}

  @Get('token')
  async token(): Promise<{ length: number }> {
    return { length: (await this.apiax.getAccessToken()).length };
  }

  @Get('other')
  other(): never {
    throw new Error('not an apiax failure');
  }
}

@Module({ controllers: [ProbeController], providers: [{ provide: APP_FILTER, useClass: ApiaxExceptionFilter }] })
class ProbeModule {}

const platforms = [
  { name: 'Express', adapter: () => undefined },
  { name: 'Fastify', adapter: () => new FastifyAdapter() },
];

describe.each(platforms)('ApiaxExceptionFilter on $name', ({ adapter }) => {
  it('answers a rejected password as core maps it: 502 problem+json, no secret, not cached', async () => {
    const fake = await startFake();
    const password = `canary-pw-${Date.now()}`;
    const app = await createApp(
      { imports: [ApiaxAuthModule.forRoot({ ...optionsFor(fake, { password }), isGlobal: true }), ProbeModule] },
      false,
      adapter(),
    );
    const baseUrl = await listen(app);
    const response = await fetch(`${baseUrl}/probe/token`);
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    expect(text).not.toContain(password);
    const body = JSON.parse(text);
    expect(body).toEqual(toProblemDetails(new ApiaxAuthError('invalid_credentials', body.detail, { status: 401 })));
    expect(body).toMatchObject({ status: 502, code: 'invalid_credentials' });
  });

  it('leaves every other error to Nest: a plain 500', async () => {
    const fake = await startFake();
    const app = await createApp(
      { imports: [ApiaxAuthModule.forRoot({ ...optionsFor(fake), isGlobal: true }), ProbeModule] },
      false,
      adapter(),
    );
    const baseUrl = await listen(app);
    const response = await fetch(`${baseUrl}/probe/other`);
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ statusCode: 500 });
  });
});
