import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiax, CANARY_API_KEY, CANARY_PASSWORD, expectNoSecrets, startFake, tempDir, userEnv } from './support/apiax.js';

const QUERY =
  '{"products":[{"productId":"Custody and Payment Services","familyId":"Financial Services"}],"regimes":["CAN"],"versionFilter":"latest"}';

describe('apiax call', () => {
  it('sends --data literally, from @file and from stdin, with the token and the API key; the raw body goes to a pipe', async () => {
    const fake = await startFake();
    const home = tempDir();
    const env = userEnv(fake, home);
    const queryFile = join(home, 'query.json');
    writeFileSync(queryFile, QUERY);

    const literal = await apiax(['call', 'POST', '/api/v3/rules/eval', '--data', QUERY], env);
    expect(literal).toMatchObject({ code: 0, stderr: '' });
    const body = JSON.parse(literal.stdout) as { results: Array<{ regime: string }> };
    expect(body.results[0]?.regime).toBe('CAN');
    // Piped: the bytes as the server sent them, not re-indented.
    expect(literal.stdout).not.toContain('\n  ');

    const fromFile = await apiax(
      ['call', 'post', '/api/v3/rules/eval', '--data', `@${queryFile}`, '--header', 'X-Correlation-Id: abc'],
      env,
    );
    expect(fromFile.code).toBe(0);
    const fromStdin = await apiax(['call', 'POST', '/api/v3/rules/eval', '--data', '-'], env, QUERY);
    expect(fromStdin.code).toBe(0);
    expect(JSON.parse(fromStdin.stdout)).toEqual(JSON.parse(fromFile.stdout));
    expect(fake.stats).toMatchObject({ password: 1, apiCalls: 3, rejectedApiCalls: 0 });
    for (const run of [literal, fromFile, fromStdin]) expectNoSecrets(run, [CANARY_PASSWORD, CANARY_API_KEY]);
  });

  it('HTTP >= 400: the body on stdout, the status on stderr, exit 1', async () => {
    const fake = await startFake();
    const run = await apiax(['call', 'GET', '/api/v3/nothing-here'], userEnv(fake, tempDir()));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('not_found');
    expect(run.stderr).toBe('apiax: http_error: HTTP 404 Not Found from GET /api/v3/nothing-here\n');
  });

  it('replays once after a 401 (the cached token was revoked), like auth.fetch', async () => {
    const fake = await startFake();
    const env = userEnv(fake, tempDir());
    expect((await apiax(['token'], env)).code).toBe(0);
    fake.endAllSessions();
    const run = await apiax(['call', 'POST', '/api/v3/rules/eval', '--data', QUERY], env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(fake.stats.rejectedApiCalls).toBe(1);
    expect(fake.stats.password).toBe(2);
  });

  it('refuses an origin outside the API URL before anything is sent', async () => {
    const fake = await startFake();
    const run = await apiax(['call', 'GET', 'https://evil.example/steal'], userEnv(fake, tempDir()));
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/^apiax: origin_not_allowed: /);
    expect(fake.stats.tokenRequests + fake.stats.apiCalls).toBe(0);
  });

  it('an unreadable --data file: its own error code, exit 1, nothing sent', async () => {
    const fake = await startFake();
    const home = tempDir();
    const run = await apiax(['call', 'POST', '/api/v3/rules/eval', '--data', `@${join(home, 'missing.json')}`], userEnv(fake, home));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^apiax: data_file_unreadable: .*ENOENT/);
    expect(fake.stats.tokenRequests).toBe(0);
  });
});
