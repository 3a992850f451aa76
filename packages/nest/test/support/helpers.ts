import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { startFakeApiax } from '@apiax-auth/testing';
import type { INestApplication, LoggerService, ModuleMetadata } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { onTestFinished } from 'vitest';
import type { ApiaxAuthLogger, ApiaxAuthModuleOptions } from '../../src/index.js';

type FakeOptions = NonNullable<Parameters<typeof startFakeApiax>[0]>;
export type FakeApiax = Awaited<ReturnType<typeof startFakeApiax>>;

/** The rule engine query of the vendor's documentation. */
export const EVAL_QUERY = {
  products: [{ productId: 'Custody and Payment Services', familyId: 'Financial Services' }],
  regimes: ['CAN'],
  versionFilter: 'latest',
  attributes: [{ name: 'clientStatus', value: '*(prospect|existingClient)' }],
};

/** The fake Apiax on loopback, closed when the current test ends. */
export async function startFake(options: FakeOptions = {}): Promise<FakeApiax> {
  const fake = await startFakeApiax(options);
  onTestFinished(() => fake.close());
  return fake;
}

/**
 * Module options pointing at the fake, read the way production reads them: from `APIAX_*` values
 * (here the fake's, never the machine's).
 */
export function optionsFor(fake: FakeApiax, overrides: ApiaxAuthModuleOptions = {}): ApiaxAuthModuleOptions {
  return { env: { ...fake.env }, ...overrides };
}

/** A Nest logger that keeps every line, fully inspected (error causes included). */
export function captureNestLogger(): { logger: LoggerService; text(): string } {
  const lines: string[] = [];
  const record =
    (level: string) =>
    (...args: unknown[]) => {
      lines.push(
        `${level} ${args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 10, showHidden: true }))).join(' ')}`,
      );
    };
  return {
    logger: {
      log: record('log'),
      error: record('error'),
      warn: record('warn'),
      debug: record('debug'),
      verbose: record('verbose'),
      fatal: record('fatal'),
    },
    text: () => lines.join('\n'),
  };
}

/** A core logger that keeps every line, with its details fully inspected. */
export function captureLogger(): { logger: ApiaxAuthLogger; lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: string, details?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${details === undefined ? '' : inspect(details, { depth: 10, showHidden: true })}`);
  };
  return { logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') }, lines };
}

/**
 * Compiles a testing module into an application (not yet initialised) on Express, or on the given
 * adapter; the application is closed when the current test ends.
 */
export async function createApp(
  metadata: ModuleMetadata,
  logger: LoggerService | false = false,
  httpAdapter?: AbstractHttpAdapter,
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule(metadata)
    .setLogger(logger === false ? silentLogger : logger)
    .compile();
  const app = httpAdapter === undefined ? moduleRef.createNestApplication() : moduleRef.createNestApplication(httpAdapter);
  onTestFinished(() => app.close());
  return app;
}

/** Initialises and serves `app` on an ephemeral loopback port; returns its base URL. */
export async function listen(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}

/** POSTs JSON and returns the status and the parsed body. */
export async function postJson(url: string, body: unknown = EVAL_QUERY): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** A unique value to plant as a secret and look for where it must never appear. */
export function canary(label: string): string {
  return `canary-${label}-${randomUUID()}`;
}

const noop = () => {};
const silentLogger: LoggerService = { log: noop, error: noop, warn: noop, debug: noop, verbose: noop, fatal: noop };
