#!/usr/bin/env node
// Every ```ts / ```tsx / ```js block of every README.md is compiled here, strict, against the built
// packages (their package.json exports, as a user resolves them), so a snippet can never again use a
// type, an option or a function that does not exist. A block whose first line is a path comment
// (`// app/actions.ts`) is written at that path, so the blocks of one README form one project (the
// Next README's `@/lib/apiax` import finds its `lib/apiax.ts`). Run after `pnpm build`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { extractCodeBlocks, fileNameOf } from './code-blocks.mjs';
import { COMPILER_OPTIONS, FREE_VARIABLES } from './free-variables.mjs';

const here = import.meta.dirname;
const root = resolve(here, '..', '..');
const work = join(here, '.snippets');

/** The READMEs: the root one and one per package or app. */
function readmes() {
  const found = [join(root, 'README.md')];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group))) {
      const file = join(root, group, name, 'README.md');
      try {
        readFileSync(file);
        found.push(file);
      } catch {
        // a package without a README has no snippet to check
      }
    }
  }
  return found;
}

const compilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: false,
  noEmit: true,
  target: 'ES2023',
  lib: ['ES2023', 'DOM'],
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  jsx: 'react-jsx',
  allowJs: true,
  checkJs: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  types: ['node'],
  paths: { '@/*': ['./*'] },
};

rmSync(work, { recursive: true, force: true });
let blocks = 0;
let failed = 0;
for (const readme of readmes()) {
  const name = relative(root, dirname(readme)).replaceAll('/', '-') || 'root';
  const project = join(work, name);
  const found = extractCodeBlocks(readFileSync(readme, 'utf8'));
  if (found.length === 0) continue;
  for (const [index, block] of found.entries()) {
    const file = join(project, fileNameOf(block, index));
    mkdirSync(dirname(file), { recursive: true });
    // `export {}` makes every block a module of its own, as every file of a real project is.
    writeFileSync(file, `${block.code}\nexport {};\n`);
  }
  // The path comments name app/ and lib/ files: the project is an ES module project, as Next's is.
  writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  const key = relative(root, readme);
  // A script file (no import or export): its declarations are global to the README's project.
  writeFileSync(join(project, 'free-variables.d.ts'), FREE_VARIABLES[key] ?? '');
  const options = { ...compilerOptions, ...COMPILER_OPTIONS[key] };
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, include: ['**/*'] }, null, 2));
  blocks += found.length;
  try {
    execFileSync(join(here, 'node_modules', '.bin', 'tsc'), ['-p', project], { stdio: 'pipe', encoding: 'utf8' });
    console.log(`ok   ${relative(root, readme)} (${found.length} blocks)`);
  } catch (error) {
    failed += 1;
    console.error(`FAIL ${relative(root, readme)}:\n${String(error.stdout).replaceAll(`${project}/`, '')}`);
  }
}
console.log(`README snippets: ${blocks} blocks compiled, ${failed} README(s) failing`);
process.exit(failed === 0 ? 0 : 1);
