import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
let buildDir: string;
const children: ChildProcess[] = [];

// The command is compiled from the current source into a private folder inside the package (so `jose` resolves),
// rather than run from dist/, which a parallel `build` may be rewriting.
beforeAll(async () => {
  buildDir = mkdtempSync(join(packageDir, '.cli-test-'));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await promisify(execFile)(
    process.execPath,
    [tsc, '-p', 'tsconfig.build.json', '--outDir', buildDir, '--declaration', 'false', '--declarationMap', 'false', '--sourceMap', 'false'],
    { cwd: packageDir },
  );
}, 180_000);

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

afterAll(() => {
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
});

/** Starts `apiax-fake` and reads its APIAX_* lines. */
async function startCli(
  args: string[],
  lastLine = 'APIAX_PASSWORD=',
): Promise<{ child: ChildProcess; env: Record<string, string>; lines: string[] }> {
  const child = spawn(process.execPath, [join(buildDir, 'cli.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`apiax-fake exited early with ${code}`)));
    reader.on('line', (line) => {
      lines.push(line);
      if (line.startsWith(lastLine) || lines.length >= 7) resolve();
    });
  });
  const env = Object.fromEntries(lines.map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
  return { child, env, lines };
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('apiax-fake command', () => {
  it('prints shell-sourceable APIAX_* lines, serves logins and API calls, and stops on SIGTERM', async () => {
    const { child, env, lines } = await startCli(['--users', 'alice:s3cret,bob:pw', '--access-token-lifetime', '600', '--rotate']);
    expect(lines.every((line) => /^APIAX_[A-Z_]+=\S+$/.test(line))).toBe(true);
    expect(env).toMatchObject({ APIAX_USERNAME: 'alice', APIAX_PASSWORD: 's3cret' });
    expect(env.APIAX_TOKEN_URL).toBe(`${env.APIAX_ISSUER}/protocol/openid-connect/token`);

    const response = await fetch(env.APIAX_TOKEN_URL!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: 'integration-api', username: 'bob', password: 'pw' }),
    });
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as { access_token: string; expires_in: number; refresh_token: string };
    expect(tokens.expires_in).toBe(600);

    const api = await fetch(`${env.APIAX_API_URL}/api/v3/rules/eval`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
      body: '{"regimes":["CAN"],"products":[]}',
    });
    expect(api.status).toBe(200);

    // --rotate: reusing a rotated token ends the session.
    const refreshOnce = () =>
      fetch(env.APIAX_TOKEN_URL!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'integration-api', refresh_token: tokens.refresh_token }),
      });
    expect((await refreshOnce()).status).toBe(200);
    expect(await (await refreshOnce()).json()).toMatchObject({ error_description: 'Maximum allowed refresh token reuse exceeded' });

    const stats = (await (await fetch(new URL('/__fake/stats', env.APIAX_ISSUER))).json()) as Record<string, unknown>;
    expect(stats).toMatchObject({ password: 1, refresh: 2, apiCalls: 1 });

    child.kill('SIGTERM');
    expect(await exitOf(child)).toEqual({ code: 0, signal: null });
    await expect(fetch(env.APIAX_TOKEN_URL!, { method: 'POST' })).rejects.toThrow();
  });

  it('listens on the requested ports, prints the API key, and stops on SIGINT', async () => {
    const probe = await startCli([]);
    const authPort = Number(new URL(probe.env.APIAX_ISSUER!).port);
    const apiPort = Number(new URL(probe.env.APIAX_API_URL!).port);
    probe.child.kill('SIGTERM');
    await exitOf(probe.child);

    const { child, env } = await startCli(['--port', String(authPort), '--api-port', String(apiPort), '--api-key', 'k1']);
    expect(env.APIAX_ISSUER).toBe(`http://127.0.0.1:${authPort}/auth/realms/apiax`);
    expect(env.APIAX_API_URL).toBe(`http://127.0.0.1:${apiPort}`);
    expect(env.APIAX_API_KEY).toBe('k1');
    expect(env).toMatchObject({ APIAX_USERNAME: 'demo', APIAX_PASSWORD: 'demo' });
    child.kill('SIGINT');
    expect(await exitOf(child)).toEqual({ code: 0, signal: null });
  });

  it('quotes values a shell would split', async () => {
    const { child, env } = await startCli(['--users', "o'brien:pa ss$word"]);
    expect(env.APIAX_USERNAME).toBe(`'o'\\''brien'`);
    expect(env.APIAX_PASSWORD).toBe(`'pa ss$word'`);
    child.kill('SIGTERM');
    await exitOf(child);
  });

  it('refuses a bad flag with exit code 2 and the usage', async () => {
    const child = spawn(process.execPath, [join(buildDir, 'cli.js'), '--port', 'abc'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await exitOf(child)).toEqual({ code: 2, signal: null });
    expect(stderr).toContain('--port');
    expect(stderr).toContain('Usage: apiax-fake');
  });

  it('--assertion-key FILE --assertion-subject SUB makes the printed user a 2FA user, and prints the subject', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = join(buildDir, 'client-public.pem');
    writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));
    const { child, env } = await startCli(
      ['--users', 'corp:pw', '--assertion-key', keyFile, '--assertion-subject', 'MyCompany'],
      'APIAX_ASSERTION_SUBJECT=',
    );
    expect(env.APIAX_ASSERTION_SUBJECT).toBe('MyCompany');
    const login = (extra: Record<string, string>) =>
      fetch(env.APIAX_TOKEN_URL!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password', username: 'corp', password: 'pw', ...extra }),
      });
    expect((await login({ client_id: 'integration-api' })).status).toBe(401);
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer('MyCompany')
      .setSubject('MyCompany')
      .setAudience(env.APIAX_TOKEN_URL!)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .setJti(randomUUID())
      .sign(privateKey);
    const response = await login({
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
    expect(response.status).toBe(200);
    child.kill('SIGTERM');
    await exitOf(child);
  });

  it('--assertion-key without --assertion-subject, or an unreadable key file: exit code 2 and the usage', async () => {
    for (const args of [
      ['--assertion-key', join(buildDir, 'none.pem')],
      ['--assertion-key', join(buildDir, 'none.pem'), '--assertion-subject', 'S'],
    ]) {
      const child = spawn(process.execPath, [join(buildDir, 'cli.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      expect(await exitOf(child)).toEqual({ code: 2, signal: null });
      expect(stderr).toMatch(/--assertion-key/);
      expect(stderr).toContain('Usage: apiax-fake');
    }
  });
});
