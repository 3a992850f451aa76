import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import winston from 'winston';
import { loggerShape } from '../src/log-shape.js';
import type { ApiaxAuthOptions } from '../src/index.js';
import { startHarness } from './support/harness.js';

const PASSWORD = 'CANARY-wrong-pw!@# x';

/** A stream that keeps what is written to it. */
function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** A wrong password against the fake: the one event that needs a human. */
async function rejectedLogin(logger: ApiaxAuthOptions['logger'] | 'default'): Promise<void> {
  const { client } = await startHarness({ users: [{ username: 'demo', password: 'right' }], bruteForce: false });
  const auth = client({ username: 'demo', password: PASSWORD, ...(logger === 'default' ? {} : { logger }) });
  await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_credentials' });
  await auth.close();
}

/** The structured details of the rejection, as every logger must keep them. */
function expectDetails(output: string): void {
  expect(output).toContain('token renewal failed');
  expect(output).toContain('invalid_credentials');
  expect(output).toContain('invalid_grant');
  expect(output).toMatch(/"status":\s?401|status: 401/);
  expect(output).not.toContain('CANARY');
}

afterEach(() => {
  vi.restoreAllMocks();
});

// Issue 17 item 7.
describe('logging keeps its details with the loggers people use', () => {
  it('default (no logger): exactly one error line on the console for a rejected login, details inline, nothing at info/debug', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    await rejectedLogin('default');
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]).toHaveLength(1);
    expectDetails(String(error.mock.calls[0]![0]));
    expect(warn).not.toHaveBeenCalled();
    expect(info).not.toHaveBeenCalled();
    expect(debug).not.toHaveBeenCalled();
  });

  it('logger: false is silent', async () => {
    const spies = (['warn', 'error', 'info', 'debug', 'log'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation(() => undefined),
    );
    await rejectedLogin(false);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('pino: (details, message) is detected; the JSON line has the message and the fields', async () => {
    const out = sink();
    const logger = pino({ level: 'debug' }, out.stream);
    expect(loggerShape(logger)).toBe('pino');
    await rejectedLogin(logger);
    const lines = out
      .text()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const failure = lines.find((line) => line['msg'] === '[apiax-auth] token renewal failed');
    expect(failure).toMatchObject({ level: 50, code: 'invalid_credentials', status: 401, oauthError: 'invalid_grant' });
    expect(out.text()).not.toContain('CANARY');
    // A pino child logger is recognised too.
    expect(loggerShape(logger.child({ module: 'apiax' }))).toBe('pino');
  });

  it('winston: (message, meta) keeps the fields in its JSON output', async () => {
    const out = sink();
    const logger = winston.createLogger({
      level: 'debug',
      format: winston.format.json(),
      transports: [new winston.transports.Stream({ stream: out.stream })],
    });
    expect(loggerShape(logger)).toBe('message-first');
    await rejectedLogin(logger);
    await new Promise((resolve) => setImmediate(resolve));
    const failure = out
      .text()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line['message'] === '[apiax-auth] token renewal failed');
    expect(failure).toMatchObject({ level: 'error', code: 'invalid_credentials', status: 401, oauthError: 'invalid_grant' });
    expect(out.text()).not.toContain('CANARY');
  });

  it("Nest's Logger: log() for info, details inline in the message, the context kept", async () => {
    const written: string[] = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const logger = new Logger('App');
    expect(loggerShape(logger)).toBe('nest');
    await rejectedLogin(logger);
    vi.restoreAllMocks();
    const output = written.join('');
    expectDetails(output);
    // A Logger created with a context keeps it (one without gets ApiaxAuth).
    expect(output).toContain('[App]');
  });

  it('console passed explicitly keeps (message, details) as two arguments, every level', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(console, 'info').mockImplementation(() => undefined);
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    await rejectedLogin(console);
    const call = error.mock.calls.find((args) => String(args[0]).includes('token renewal failed'));
    expect(call?.[1]).toMatchObject({ code: 'invalid_credentials', status: 401 });
  });
});
