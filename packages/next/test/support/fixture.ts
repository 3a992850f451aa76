import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const require = createRequire(import.meta.url);

export const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURE_DIR = fileURLToPath(new URL('../fixture-app/', import.meta.url));
const NEXT_BIN = require.resolve('next/dist/bin/next');
const TSC_BIN = require.resolve('typescript/bin/tsc');

/**
 * Installs this package into the fixture's node_modules as a user's install would look: compiled
 * from the current src (not the shared dist/, which a parallel `build` may be rewriting), with its
 * package.json. Its dependencies resolve from this package's node_modules, one level up.
 */
export async function installPackageIntoFixture(): Promise<string> {
  const target = join(FIXTURE_DIR, 'node_modules', '@apiax-auth', 'next');
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  await promisify(execFile)(process.execPath, [TSC_BIN, '-p', join(PACKAGE_DIR, 'tsconfig.build.json'), '--outDir', join(target, 'dist')]);
  const manifest = JSON.parse(await readFile(join(PACKAGE_DIR, 'package.json'), 'utf8')) as Record<string, unknown>;
  // The CommonJS twin of the plain-Node entry comes from the package's build (`test` runs after `build`).
  for (const file of ['node.cjs', 'node.d.cts']) await copyFile(join(PACKAGE_DIR, 'dist', file), join(target, 'dist', file));
  const { name, version, type, main, types, exports, sideEffects, dependencies } = manifest;
  await writeFile(
    join(target, 'package.json'),
    JSON.stringify({ name, version, type, main, types, exports, sideEffects, dependencies }, null, 2),
  );
  return target;
}

/** The environment of a child process: this one's, minus what vitest set, plus `extra`. */
export function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(VITEST|NODE_OPTIONS$|NODE_ENV$|APIAX_|NEXT_|TEST$)/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, NEXT_TELEMETRY_DISABLED: '1', ...extra };
}

export interface NextProcess {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  exited: Promise<number | null>;
}

/** Runs the Next.js CLI in the fixture, in its own process group (so that stopping it stops its workers). */
export function runNext(args: string[], env: NodeJS.ProcessEnv): NextProcess {
  const child = spawn(process.execPath, [NEXT_BIN, ...args], { cwd: FIXTURE_DIR, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Stops a process group started by {@link runNext}. */
export async function stopNext(next: NextProcess | undefined): Promise<void> {
  if (next === undefined || next.child.exitCode !== null || next.child.pid === undefined) return;
  try {
    process.kill(-next.child.pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-next.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 10_000);
  await next.exited;
  clearTimeout(timer);
}

/** Polls `url` until it answers, or fails when the server exits or `timeoutMs` passes. */
export async function waitUntilServing(url: string, server: NextProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void server.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`next start exited early:\n${server.output()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`next start did not serve ${url} within ${timeoutMs} ms:\n${server.output()}`);
}

/** A port nobody listens on right now (Next.js needs a number before it starts). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Every file under `dir`, recursively. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** Something that looks like a JWT (access and refresh tokens are JWTs): two base64url JSON objects and a signature. */
export const JWT_PATTERN = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]+/;
