/**
 * `@apiax-auth/cli`: the `apiax` command. The module exports the runner, for embedding the commands in
 * another Node tool or test; the command itself is `dist/bin.js`.
 */
export { runApiax, processIo } from './run.js';
export type { CliIo } from './output.js';
export { USAGE } from './arguments.js';
