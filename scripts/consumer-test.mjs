#!/usr/bin/env node
// The consumer matrix: what users install is the packed tarball, in projects that generators made.
// Every package is packed; each project under consumers/ (a trimmed copy of what `nest new`,
// `create-next-app` or `tsc --init` generated) is copied outside the workspace, gets the tarballs it
// needs installed with npm, and runs its own scripts. Sequential, one shared npm cache.
// `node scripts/consumer-test.mjs [name...]` runs only the named projects. Run after `pnpm build`.
// APIAX_TEST_NODES (directories holding other `node` binaries, `:`-separated; CI sets it to Node 22's and
// 24's) runs each project's steps again under each of those Nodes, on the one install.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { loadEach, nextAppChecks, run, typecheckMatrix, writeReadmeBlocks } from './consumer-steps.mjs';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'apiax-consumers-'));
const tarballs = join(work, 'tarballs');

/** Each project: the packages it installs (as tarballs) and what it runs once they are installed. */
const PROJECTS = {
  // `nest new` 11: CommonJS, Jest through ts-jest, its Jest config untouched.
  'nest11-cjs': {
    packages: ['core', 'nest', 'testing'],
    steps: (dir) => [npm(dir, 'test'), npm(dir, 'run', 'test:e2e'), npm(dir, 'run', 'build')],
  },
  // `nest new` 12: ES modules, Vitest.
  nest12: {
    packages: ['core', 'nest', 'testing'],
    steps: (dir) => [npm(dir, 'test'), npm(dir, 'run', 'test:e2e'), npm(dir, 'run', 'build')],
  },
  // An Express service type-checked by two TypeScript versions under every `module` setting.
  // Then each of its packages loads in plain Node with `import` and with `require`.
  'ts-matrix': {
    packages: ['core', 'express', 'redis', 'testing'],
    steps: (dir) => [() => typecheckMatrix(dir), () => loadEach(dir, ['core', 'express', 'redis', 'testing'])],
  },
  // `create-next-app` 16 with every snippet of the Next README, built and served; plus plain scripts.
  next16: {
    packages: ['core', 'next'],
    steps: (dir) => [
      () => writeReadmeBlocks(join(root, 'packages', 'next', 'README.md'), dir),
      npm(dir, 'run', 'build'),
      () => nextAppChecks(dir, root),
    ],
  },
};

function fail(name, node, error, started) {
  console.error(`FAIL consumer ${name} (${node}): ${error instanceof Error ? error.message : String(error)}`);
  results.push({ name, node, ok: false, seconds: started === 0 ? 0 : (Date.now() - started) / 1000 });
}

function npm(cwd, ...args) {
  return () => run('npm', args, cwd);
}

/** `null`: the Node running this script; else a directory to put first on PATH. */
const nodeDirs = [null, ...(process.env.APIAX_TEST_NODES ?? '').split(delimiter).filter(Boolean)];
const basePath = process.env.PATH;

/** Puts `dir`'s node first on PATH for every command the steps run; returns its version. */
function useNode(dir) {
  process.env.PATH = dir === null ? basePath : `${dir}${delimiter}${basePath}`;
  return execFileSync('node', ['--version'], { encoding: 'utf8' }).trim();
}

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(PROJECTS);
const results = [];
try {
  mkdirSync(tarballs);
  for (const dir of readdirSync(join(root, 'packages'))) {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
    if (!manifest.private) run('pnpm', ['pack', '--pack-destination', tarballs], join(root, 'packages', dir), { quiet: true });
  }
  const tarballOf = (name) =>
    join(
      tarballs,
      readdirSync(tarballs).find((file) => file.startsWith(`apiax-auth-${name}-`)),
    );
  for (const name of names) {
    const project = PROJECTS[name];
    if (project === undefined) throw new Error(`no consumer project ${name}; known: ${Object.keys(PROJECTS).join(', ')}`);
    const dir = join(work, name);
    console.log(`\n=== consumer ${name}: install`);
    try {
      cpSync(join(root, 'consumers', name), dir, { recursive: true });
      run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...project.packages.map(tarballOf)], dir);
    } catch (error) {
      fail(name, 'install', error, 0);
      continue;
    }
    for (const nodeDir of nodeDirs) {
      const node = useNode(nodeDir);
      const started = Date.now();
      console.log(`\n=== consumer ${name} on Node ${node}`);
      try {
        for (const step of project.steps(dir)) await step();
        results.push({ name, node, ok: true, seconds: (Date.now() - started) / 1000 });
      } catch (error) {
        fail(name, node, error, started);
      }
    }
    useNode(null);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log('\nconsumer matrix:');
for (const { name, node, ok, seconds } of results) console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name} on ${node} (${seconds.toFixed(0)} s)`);
process.exit(results.every((result) => result.ok) ? 0 : 1);
