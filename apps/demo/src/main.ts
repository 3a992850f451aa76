#!/usr/bin/env node
import { DemoConfigError } from './orchestrator/demo-mode.js';
import { runDemo } from './orchestrator/run-demo.js';

runDemo().then(
  (exitCode) => process.exit(exitCode),
  (error: unknown) => {
    // A wrong environment is the user's to fix: the message says how; a stack would only hide it.
    if (error instanceof DemoConfigError || error instanceof RangeError) console.error(`\n  ${error.message}\n`);
    else console.error(error);
    process.exit(1);
  },
);
