#!/usr/bin/env node
// The test suite uses real parts: a redis-server and a Chromium from Debian's packages.
// A fresh machine has neither, so `pnpm test` installs what is missing (apt-get; root or sudo).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const needed = [
  { binary: '/usr/bin/redis-server', aptPackage: 'redis-server' },
  { binary: '/usr/bin/chromium', aptPackage: 'chromium' },
];
const missing = needed.filter(({ binary }) => !existsSync(binary));
if (missing.length === 0) process.exit(0);

const packages = missing.map(({ aptPackage }) => aptPackage);
const isRoot = process.getuid?.() === 0;
const hasSudo = spawnSync('sh', ['-c', 'command -v sudo'], { stdio: 'ignore' }).status === 0;
if (!isRoot && !hasSudo) {
  console.error(`The tests need ${packages.join(' and ')}: install them with apt-get (as root), then run again.`);
  process.exit(1);
}
const asRoot = (args) => (isRoot ? ['apt-get', args] : ['sudo', ['apt-get', ...args]]);
const run = ([command, args]) =>
  execFileSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });

console.log(`Installing ${packages.join(', ')} from Debian's packages (needed by the tests)...`);
run(asRoot(['update', '-qq']));
run(asRoot(['install', '-y', '-qq', '--no-install-recommends', ...packages]));
