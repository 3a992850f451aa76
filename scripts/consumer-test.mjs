#!/usr/bin/env node
// What users install is the packed tarball, not the workspace link: pack every published package,
// install the tarballs into a throwaway project outside the workspace with npm, and load each one
// with `import` and with `require` (require(esm), Node >= 20.19).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const packagesDir = join(root, 'packages');
const work = mkdtempSync(join(tmpdir(), 'apiax-consumer-'));
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');

const run = (command, args, cwd) => execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

const published = readdirSync(packagesDir)
  .map((dir) => ({ dir: join(packagesDir, dir), manifest: JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => !manifest.private);

let failures = 0;
try {
  for (const { dir } of published) run('pnpm', ['pack', '--pack-destination', tarballs], dir);
  const files = readdirSync(tarballs).filter((file) => file.endsWith('.tgz'));

  // Peer dependencies a user of each adapter already has.
  const peers = ['express@^5', '@nestjs/common@^12', '@nestjs/core@^12', 'reflect-metadata@^0.2', 'rxjs@^7', 'next@~16.4', 'react@^19', 'react-dom@^19'];
  writeFileSync(join(work, 'package.json'), '{}');
  run('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...files.map((file) => join(tarballs, file)), ...peers], project);

  const names = published.map(({ manifest }) => manifest.name);
  // `server-only` refuses to load outside the react-server condition, as it should.
  const conditionsFor = (name) => (name === '@apiax-auth/next' ? ['--conditions=react-server'] : []);
  for (const name of names) {
    const esm = `import * as m from '${name}'; if (Object.keys(m).length === 0) throw new Error('no exports'); console.log('import ok', '${name}', Object.keys(m).length);`;
    const cjs = `const m = require('${name}'); if (Object.keys(m).length === 0) throw new Error('no exports'); console.log('require ok', '${name}', Object.keys(m).length);`;
    for (const [kind, args] of [['import', ['--input-type=module', '-e', esm]], ['require', ['-e', cjs]]]) {
      try {
        process.stdout.write(run('node', [...conditionsFor(name), ...args], project));
      } catch {
        failures += 1;
        console.error(`FAIL: ${kind} ${name} from its packed tarball`);
      }
    }
  }
  console.log(`consumer: ${names.length * 2 - failures} passed, ${failures} failed`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(failures === 0 ? 0 : 1);
