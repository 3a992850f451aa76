// The steps of the consumer matrix (scripts/consumer-test.mjs) that are more than `npm run x`.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { extractCodeBlocks } from './readme-snippets/code-blocks.mjs';

/** Runs a command; its output streams unless `quiet`. Throws (naming the command) when it fails. */
export function run(command, args, cwd, { quiet = false, env = process.env } = {}) {
  try {
    execFileSync(command, args, { cwd, env, stdio: quiet ? 'pipe' : ['ignore', 'inherit', 'inherit'] });
  } catch (error) {
    throw new Error(`${command} ${args.join(' ')} failed (${error.status ?? error.signal})`);
  }
}

/** `run` without blocking this process: needed while the fake Apiax runs in it. */
async function runAsync(command, args, cwd, env) {
  try {
    const { stdout } = await promisify(execFile)(command, args, { cwd, env });
    process.stdout.write(stdout);
  } catch (error) {
    throw new Error(`${command} ${args.join(' ')} failed (${error.code ?? error.signal}): ${error.stderr}`);
  }
}

/** Writes every path-labelled block of a README (`// app/actions.ts` as first line) into a project. */
export function writeReadmeBlocks(readme, dir) {
  for (const block of extractCodeBlocks(readFileSync(readme, 'utf8'))) {
    if (block.path === undefined) continue;
    mkdirSync(join(dir, dirname(block.path)), { recursive: true });
    writeFileSync(join(dir, block.path), `${block.code}\n`);
    console.log(`README block → ${block.path}`);
  }
}

/** Every tsconfig.*.json of the project, under each TypeScript the project installs (`typescript*`). */
export function typecheckMatrix(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const compilers = Object.keys(manifest.devDependencies).filter((name) => name.startsWith('typescript'));
  const configs = readdirSync(dir).filter((file) => /^tsconfig\..+\.json$/.test(file));
  for (const compiler of compilers) {
    const tsc = join(dir, 'node_modules', compiler, 'bin', 'tsc');
    const version = JSON.parse(readFileSync(join(dir, 'node_modules', compiler, 'package.json'), 'utf8')).version;
    for (const config of configs) {
      run('node', [tsc, '-p', config], dir);
      console.log(`tsc ${version} -p ${config}: ok`);
    }
  }
}

/** Loads each `@apiax-auth/<name>` in plain Node, with `import` and with `require`, and expects exports. */
export function loadEach(dir, names) {
  for (const name of names) {
    const check = `if (Object.keys(m).length === 0) throw new Error('no exports'); console.log('%s ok', '@apiax-auth/${name}', Object.keys(m).length, 'exports');`;
    run('node', ['--input-type=module', '-e', `import * as m from '@apiax-auth/${name}'; ${check.replace('%s', 'import')}`], dir);
    run('node', ['-e', `const m = require('@apiax-auth/${name}'); ${check.replace('%s', 'require')}`], dir);
  }
}

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

async function waitForHttp(url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before answering`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

/**
 * Against the fake Apiax (the workspace's build): `next start` serves the README's page and route
 * handler, and the project's plain scripts load the package with `import` and `require`.
 */
export async function nextAppChecks(dir, root) {
  const { startFakeApiax } = await import(pathToFileURL(join(root, 'packages', 'testing', 'dist', 'index.js')).href);
  const fake = await startFakeApiax({ users: [{ username: 'consumer', password: 'consumer-password' }], apiKeys: ['consumer-key'] });
  const env = { ...process.env, ...fake.env, NODE_ENV: 'production' };
  const port = await freePort();
  const server = spawn('node', ['node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: dir,
    env,
    stdio: 'inherit',
    detached: true,
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(base, server);
    const page = await fetch(`${base}/rules`);
    const html = await page.text();
    if (page.status !== 200 || !html.includes('CHE')) throw new Error(`GET /rules answered ${page.status} without the rule sets`);
    const evaluated = await fetch(`${base}/api/eval`, { method: 'POST', body: JSON.stringify({ regimes: ['CAN'], products: [] }) });
    const { results } = await evaluated.json();
    if (evaluated.status !== 200 || results.length !== 1) throw new Error(`POST /api/eval answered ${evaluated.status}`);
    const regime = await fetch(`${base}/api/regimes/CAN`);
    if (regime.status !== 200) throw new Error(`GET /api/regimes/CAN answered ${regime.status}`);
    console.log('next start: /rules, /api/eval, /api/regimes/CAN answer through the fake');
    for (const script of ['scripts/seed.mjs', 'scripts/seed.cjs']) await runAsync('node', [script], dir, { ...process.env, ...fake.env });
  } finally {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await fake.close();
  }
}
