import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiax, startFake, tempDir, userEnv } from './support/apiax.js';

const bare = () => ({ PATH: process.env['PATH'] ?? '', HOME: tempDir() });

describe('apiax usage', () => {
  it.each([
    [[], /a command is required/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['token', '--verbose'], /Unknown option '--verbose'/],
    [['token', 'extra'], /token takes no arguments/],
    [['status', '--data', '{}'], /--data and --header only go with call/],
    [['call', 'GET'], /call expects <METHOD> <path-or-url>/],
    [['call', 'G3T', '/x'], /is not an HTTP method/],
    [['call', 'GET', '/x', '--header', 'no-colon'], /--header expects name:value/],
    [['call', 'get', '/x', '--data', '{}'], /GET cannot carry --data/],
  ])('%j: the reason and the usage on stderr, nothing on stdout, exit 2, no request sent', async (args, reason) => {
    const fake = await startFake();
    const run = await apiax(args, userEnv(fake, tempDir()));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(reason);
    expect(run.stderr).toContain('Usage: apiax <command>');
    expect(fake.stats.tokenRequests + fake.stats.apiCalls).toBe(0);
  });

  it('--help prints the usage on stdout; --version the package version', async () => {
    const help = await apiax(['--help'], bare());
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: apiax <command>[\s\S]*doctor[\s\S]*--no-cache[\s\S]*Exit codes/);
    // The help never suggests typing a secret on the command line (it would land in shell history).
    expect(help.stdout).not.toMatch(/APIAX_PASSWORD=/);
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await apiax(['--version'], bare())).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: '' });
  });

  it('missing configuration: invalid_config naming the variable, exit 1, nothing sent', async () => {
    const run = await apiax(['token'], bare());
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/^apiax: invalid_config: .*username.*APIAX_USERNAME/);
  });
});
