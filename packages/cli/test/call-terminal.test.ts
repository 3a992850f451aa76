import { describe, expect, it } from 'vitest';
import { runApiax, type CliIo } from '../src/index.js';
import { startFake, tempDir, userEnv } from './support/apiax.js';

/** An in-process run whose stdout claims to be a terminal (a child's stdout is a pipe). */
async function runOnTerminal(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: {
      isTTY: true,
      write: (chunk: string | Uint8Array) => (stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()),
    },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    stdin: (async function* () {})(),
    env,
  };
  return { code: await runApiax(args, io), stdout, stderr };
}

describe('apiax call on a terminal', () => {
  it('indents a JSON body and ends it with a newline', async () => {
    const fake = await startFake();
    const run = await runOnTerminal(
      ['call', 'POST', '/api/v3/rules/eval', '--data', '{"regimes":["CAN"],"products":[]}'],
      userEnv(fake, tempDir()),
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^\{\n {2}"/);
    expect(run.stdout).toMatch(/\n\}\n$/);
    expect(JSON.parse(run.stdout)).toHaveProperty('results');
  });
});
