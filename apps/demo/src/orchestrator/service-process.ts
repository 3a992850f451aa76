import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { isAppReadyMessage } from '../apps/app-process.js';
import type { Environment } from '../shared/demo-settings.js';

/** One app of the demo, running in its own process group so that stopping it stops its children too. */
export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or the signal's name) whenever the process ends, expectedly or not. */
  readonly exited: Promise<number | string>;
  /** Its last lines of output, for when it dies and the user needs to know why. */
  recentOutput(): string[];
  /** The URL the app announces over IPC (with `ipc: true`); rejects if it exits or stays silent first. */
  announcedUrl(timeoutMs: number): Promise<string>;
  /** SIGTERM to the whole group; SIGKILL to whatever is left after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnServiceOptions {
  name: string;
  args: string[];
  env: Environment;
  cwd: string;
  /** Stream the output, prefixed with the name, instead of keeping it quiet. */
  verbose: boolean;
  /** Open an IPC channel: the app announces its URL on it, and notices when the orchestrator dies. */
  ipc: boolean;
}

const KEPT_LINES = 60;

/** Spawns `node <args>` detached into its own process group, output kept (or streamed when verbose). */
export function spawnService(options: SpawnServiceOptions): ServiceProcess {
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    // Next.js's global types make NODE_ENV required on ProcessEnv: irrelevant to spawning a process.
    env: options.env as NodeJS.ProcessEnv,
    // Own process group: Ctrl-C in the terminal reaches the orchestrator only, which then stops the
    // apps in order; and a group kill also reaches any process an app starts itself.
    detached: true,
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${options.name}`);
  const pid = child.pid;
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (options.verbose) process.stdout.write(`[${options.name}] ${line}\n`);
    }
    if (lines.length > KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? String(signal)) as number | string);
  // Listening from the start: the announcement may come before anyone asks for it.
  const announced = new Promise<string>((resolve) => {
    child.on('message', (message: unknown) => {
      if (isAppReadyMessage(message)) resolve(message.url);
    });
  });
  let stopping: Promise<void> | null = null;
  return {
    name: options.name,
    pid,
    exited,
    recentOutput: () => [...lines],
    announcedUrl(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${options.name} did not start within ${timeoutMs / 1000} s`)), timeoutMs);
      });
      const died = exited.then((code): never => {
        throw new Error(`${options.name} exited before it was ready (${code})`);
      });
      return Promise.race([announced, timeout, died]).finally(() => clearTimeout(timer));
    },
    stop(graceMs = 8_000) {
      stopping ??= stopGroup(child, pid, exited, graceMs);
      return stopping;
    },
  };
}

async function stopGroup(child: ChildProcess, pid: number, exited: Promise<unknown>, graceMs: number): Promise<void> {
  signalGroup(pid, 'SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
  await Promise.race([exited, timer]);
  // Whatever is left of the group (the leader ignoring SIGTERM, or a grandchild it left behind) goes now.
  signalGroup(pid, 'SIGKILL');
  if (child.exitCode === null && child.signalCode === null) await exited;
}

/** Signals a process group; a group that is already gone is what we wanted. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
