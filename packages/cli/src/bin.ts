#!/usr/bin/env node
// `apiax`: see USAGE in arguments.ts and the README. No secret is read from argv, so none lands in the
// process list or shell history through this command.
import { runApiax } from './run.js';

runApiax(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.stderr.write('apiax: internal_error: unexpected failure\n');
    process.exitCode = 1;
  },
);
