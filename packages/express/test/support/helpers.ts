import { randomUUID } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { startFakeApiax } from '@apiax-auth/testing';
import express5, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import express4 from 'express4';
import { onTestFinished } from 'vitest';
import { apiaxAuth, type ApiaxAuthLogger, type ApiaxExpressOptions, type ApiaxMiddleware } from '../../src/index.js';

/** Both supported majors, for `describe.each`. */
export const expressVersions = [
  { version: 'express 5', express: express5 },
  { version: 'express 4', express: express4 },
] as const;

type FakeOptions = NonNullable<Parameters<typeof startFakeApiax>[0]>;
export type FakeApiax = Awaited<ReturnType<typeof startFakeApiax>>;

/** The fake Apiax on loopback, closed when the current test ends. */
export async function startFake(options: FakeOptions = {}): Promise<FakeApiax> {
  const fake = await startFakeApiax(options);
  onTestFinished(() => fake.close());
  return fake;
}

/** `apiaxAuth()` pointed at the fake as `username`; its client is closed when the current test ends. */
export function apiaxAuthFor<Property extends string = 'apiax'>(
  fake: FakeApiax,
  options: ApiaxExpressOptions<Property> = {},
): ApiaxMiddleware<Property> {
  const middleware = apiaxAuth<Property>({
    issuer: fake.issuer,
    apiBaseUrl: fake.apiBaseUrl,
    username: fake.env.APIAX_USERNAME,
    password: fake.env.APIAX_PASSWORD,
    // Keep the suite independent of whatever APIAX_* the machine running it has.
    env: {},
    ...options,
  });
  onTestFinished(() => middleware.auth.close());
  return middleware;
}

/** Serves `app` on an ephemeral loopback port until the current test ends. */
export async function listen(app: RequestListener): Promise<string> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Express 4 does not catch a rejected handler: route its rejection to `next` (a no-op difference on 5). */
export function route(handler: (req: Request, res: Response) => Promise<unknown>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    handler(req, res).catch(next);
  };
}

/** A logger that keeps every line, with its details fully inspected (causes, nested errors). */
export function captureLogger(): { logger: ApiaxAuthLogger; text(): string; lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: string, details?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${details === undefined ? '' : inspect(details, { depth: 10, showHidden: true })}`);
  };
  return {
    logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
    lines,
    text: () => lines.join('\n'),
  };
}

/** A unique value to plant as a secret and look for where it must never appear. */
export function canary(label: string): string {
  return `canary-${label}-${randomUUID()}`;
}

/** The rule-engine query from Apiax's documentation. */
export const evalQuery = {
  products: [{ productId: 'Custody and Payment Services', familyId: 'Financial Services' }],
  regimes: ['CAN'],
  versionFilter: 'latest',
  attributes: [{ name: 'clientStatus', value: '*(prospect|existingClient)' }],
};

export async function postJson(url: string, body: unknown): Promise<globalThis.Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}
