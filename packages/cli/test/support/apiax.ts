import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, inject } from 'vitest';
import { startFakeApiax, type FakeApiax, type FakeApiaxOptions } from '@apiax-auth/testing';

/** What one run of the installed `apiax` did. */
export interface ApiaxRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Canary secrets: none may ever appear in stdout or stderr (the token of `apiax token` is the one exception). */
export const CANARY_PASSWORD = 'canary-password-4e1d-Z9';
export const CANARY_API_KEY = 'canary-apikey-77b0';
export const CANARY_CACHE_KEY = 'canary-cache-key-c3a1-long-enough';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fake Apiax with a canary password and API key, closed after the test. */
export async function startFake(options: FakeApiaxOptions = {}): Promise<FakeApiax> {
  const fake = await startFakeApiax({ users: [{ username: 'alice', password: CANARY_PASSWORD }], apiKeys: [CANARY_API_KEY], ...options });
  cleanups.push(() => fake.close());
  return fake;
}

/** A private temp directory (home, cache, files), removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'apiax-cli-run-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The environment a user would have: the fake's APIAX_* values, a private HOME, nothing else of ours. */
export function userEnv(fake: FakeApiax, home: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '', HOME: home, ...(fake.env as unknown as Record<string, string>), ...extra };
}

/** Runs the installed bin (not the workspace source) as a child process. */
export function apiax(args: string[], env: Record<string, string>, stdin?: string): Promise<ApiaxRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(inject('apiaxBin'), args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/** No canary secret (and no token, unless allowed on stdout) in what a run printed, in plain or base64 form. */
export function expectNoSecrets(run: ApiaxRun, secrets: string[]): void {
  for (const secret of secrets) {
    for (const form of [
      secret,
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
      encodeURIComponent(secret),
    ]) {
      expect(run.stdout).not.toContain(form);
      expect(run.stderr).not.toContain(form);
    }
  }
}
