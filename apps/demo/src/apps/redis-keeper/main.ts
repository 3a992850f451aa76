import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../orchestrator/ports.js';
import { announceReady, stopOnRequest } from '../app-process.js';

/**
 * Keeps the fleet's private redis-server: starts it on a free loopback port, announces its URL, and
 * stops it when asked, or when the orchestrator dies (the IPC channel closes). redis-server cannot
 * notice on its own that the demo is gone; this small process does it for it, as the apps do for
 * themselves. It runs in the keeper's process group, so the orchestrator's group signals reach it too.
 *
 * Usage: node dist/apps/redis-keeper/main.js <path of redis-server>
 */

const READY_LINE = 'Ready to accept connections';
const PORT_ATTEMPTS = 3;
const STOP_GRACE_MS = 2_000;

const redisServer = process.argv[2];
if (redisServer === undefined) throw new Error('usage: redis-keeper <path of redis-server>');
// Its own directory: nothing is written with persistence off, but a stray dump must not land in the repository.
const workDir = mkdtempSync(join(tmpdir(), 'apiax-demo-redis-'));
let server: ChildProcess | null = null;
let stopping = false;
process.on('exit', () => rmSync(workDir, { recursive: true, force: true }));

/** Starts redis-server on `port`; resolves once it accepts connections, rejects with its last words if it exits first. */
async function startOn(port: number): Promise<ChildProcess> {
  const child = spawn(
    redisServer as string,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', workDir, '--daemonize', 'no'],
    { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const ready = new Promise<void>((resolve) => {
    const listen = (chunk: Buffer): void => {
      // Passed on: the orchestrator keeps the last lines (shown if the fleet fails) and streams them with DEMO_VERBOSE=1.
      process.stdout.write(chunk);
      output += chunk.toString('utf8');
      if (output.includes(READY_LINE)) resolve();
      if (output.length > 20_000) output = output.slice(-10_000);
    };
    child.stdout?.on('data', listen);
    child.stderr?.on('data', listen);
  });
  const exited = once(child, 'exit').then(([code, signal]) => {
    throw new Error(`redis-server exited (${String(code ?? signal)}): ${output.trim().split('\n').slice(-3).join(' | ')}`);
  });
  exited.catch(() => undefined);
  await Promise.race([ready, exited]);
  return child;
}

async function start(): Promise<void> {
  let lastError: unknown;
  // Another process may take the free port before redis-server does: try another one.
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt += 1) {
    const port = await findFreePort();
    try {
      server = await startOn(port);
      server.once('exit', (code, signal) => {
        if (stopping) return;
        console.error(`[redis] redis-server exited on its own (${String(code ?? signal)})`);
        process.exit(1);
      });
      announceReady(`redis://127.0.0.1:${port}`);
      return;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

stopOnRequest('redis', async () => {
  stopping = true;
  const running = server;
  if (running !== null && running.exitCode === null && running.signalCode === null) {
    const exited = once(running, 'exit');
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
});

start().catch((error: unknown) => {
  console.error(`[redis] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
