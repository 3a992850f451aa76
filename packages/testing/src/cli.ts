#!/usr/bin/env node
/**
 * `apiax-fake`: runs the fake Apiax standalone. Prints shell-sourceable `APIAX_*=...` lines on stdout (one per
 * line, then nothing else), human notes on stderr, and stops cleanly on SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startFakeApiax } from './server.js';
import type { FakeApiax, FakeApiaxOptions, FakeAssertionRegistration, FakeUser } from './types.js';

const USAGE = `Usage: apiax-fake [--port N] [--api-port N] [--host H] [--access-token-lifetime S] [--rotate]
                  [--users user:password,...] [--api-key KEY,...] [--token-latency MS]
                  [--assertion-key PUBLIC_KEY_FILE --assertion-subject SUBJECT [--assertion-issuer ISSUER]]`;

/** Turns the command-line arguments into options; throws a `TypeError` naming the bad flag. */
function parseCliArguments(args: string[]): FakeApiaxOptions {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: 'string' },
      'api-port': { type: 'string' },
      host: { type: 'string' },
      'access-token-lifetime': { type: 'string' },
      rotate: { type: 'boolean' },
      users: { type: 'string' },
      'api-key': { type: 'string' },
      'token-latency': { type: 'string' },
      'assertion-key': { type: 'string' },
      'assertion-subject': { type: 'string' },
      'assertion-issuer': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) throw new HelpRequested();
  const options: FakeApiaxOptions = {};
  if (values.port !== undefined) options.authPort = integer(values.port, '--port');
  if (values['api-port'] !== undefined) options.apiPort = integer(values['api-port'], '--api-port');
  if (values.host !== undefined) options.host = values.host;
  if (values['access-token-lifetime'] !== undefined) {
    options.accessTokenLifetimeSeconds = integer(values['access-token-lifetime'], '--access-token-lifetime');
  }
  if (values.rotate) options.rotateRefreshTokens = true;
  if (values.users !== undefined) options.users = parseUsers(values.users);
  if (values['api-key'] !== undefined) options.apiKeys = values['api-key'].split(',').filter(Boolean);
  if (values['token-latency'] !== undefined) options.tokenLatencyMs = integer(values['token-latency'], '--token-latency');
  const assertion = parseAssertion(values['assertion-key'], values['assertion-subject'], values['assertion-issuer']);
  if (assertion !== undefined) {
    // The printed user (the first) becomes a 2FA user: its logins need assertions signed by the matching private key.
    const [first, ...others] = options.users ?? [{ username: 'demo', password: 'demo' }];
    options.users = [{ ...first!, assertion }, ...others];
  }
  return options;
}

/** `--assertion-key FILE --assertion-subject SUB`: a 2FA client as Apiax support registers it, or none. */
function parseAssertion(
  keyFile: string | undefined,
  subject: string | undefined,
  issuer: string | undefined,
): FakeAssertionRegistration | undefined {
  if (keyFile === undefined && subject === undefined && issuer === undefined) return undefined;
  if (keyFile === undefined || subject === undefined || subject.trim() === '') {
    throw new TypeError('--assertion-key and --assertion-subject go together (a public key PEM file and the subject Apiax support gave)');
  }
  let publicKey: string;
  try {
    publicKey = readFileSync(keyFile, 'utf8');
  } catch (cause) {
    throw new TypeError(`--assertion-key: cannot read ${keyFile} (${(cause as { code?: string }).code ?? 'error'})`);
  }
  return { publicKey, subject, ...(issuer === undefined ? {} : { issuer }) };
}

/** `APIAX_*=value` lines, quoted for POSIX shells; with a 2FA client, its subject too (the private key is the user's). */
function envLines(fake: FakeApiax, assertion: FakeAssertionRegistration | undefined): string[] {
  const entries = Object.entries(fake.env);
  if (assertion !== undefined) entries.push(['APIAX_ASSERTION_SUBJECT', assertion.subject]);
  return entries.map(([name, value]) => `${name}=${shellQuote(String(value))}`);
}

class HelpRequested extends Error {}

function parseUsers(list: string): FakeUser[] {
  return list.split(',').map((pair) => {
    const separator = pair.indexOf(':');
    // The pair is not echoed: it may hold a password.
    if (separator <= 0) throw new TypeError('--users expects comma-separated user:password pairs');
    return { username: pair.slice(0, separator), password: pair.slice(separator + 1) };
  });
}

function integer(text: string, flag: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) throw new TypeError(`${flag} expects an integer, got "${text}"`);
  return value;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

async function main(): Promise<void> {
  let options: FakeApiaxOptions;
  try {
    options = parseCliArguments(process.argv.slice(2));
  } catch (cause) {
    if (cause instanceof HelpRequested) {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    process.stderr.write(`apiax-fake: ${(cause as Error).message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  // Handlers go in before anything is printed: whoever reads the lines may signal at once.
  let stopping: NodeJS.Signals | undefined;
  const running: { fake?: FakeApiax } = {};
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = signal;
    process.stderr.write(`apiax-fake: ${signal}, stopping\n`);
    if (running.fake) void closeAndExit(running.fake);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const fake = (running.fake = await startFakeApiax(options));
  if (stopping) return closeAndExit(fake);
  process.stdout.write(`${envLines(fake, options.users?.[0]?.assertion).join('\n')}\n`);
  process.stderr.write(`apiax-fake: auth ${fake.issuer}, API ${fake.apiBaseUrl}, admin ${new URL('/__fake/stats', fake.issuer).href}\n`);
}

async function closeAndExit(fake: FakeApiax): Promise<void> {
  try {
    await fake.close();
    process.exit(0);
  } catch {
    process.exit(1);
  }
}

main().catch((cause: unknown) => {
  process.stderr.write(`apiax-fake: ${(cause as Error).message}\n`);
  process.exit(1);
});
