import { readFileSync } from 'node:fs';
import { parseCommandLine, USAGE, UsageError, type ParsedCommandLine } from './arguments.js';
import type { ClientContext } from './client.js';
import { callCommand } from './commands/call.js';
import { doctorCommand } from './commands/doctor.js';
import { statusCommand } from './commands/status.js';
import { tokenCommand } from './commands/token.js';
import { loadEnvironment } from './environment.js';
import { failureLine, type CliIo } from './output.js';

/**
 * Runs one `apiax` command line and resolves its exit code: 0 ok, 1 failure (`apiax: <code>: <message>` on
 * stderr), 2 wrong usage (the message and the usage on stderr). Never throws; prints no secret except the token
 * `apiax token` is asked for.
 */
export async function runApiax(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let parsed: ParsedCommandLine;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`apiax: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed.kind === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'version') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  try {
    const context: ClientContext = { io, env: loadEnvironment(io.env, parsed.envFile), noCache: parsed.noCache };
    switch (parsed.command) {
      case 'token':
        return await tokenCommand(context);
      case 'status':
        return await statusCommand(context);
      case 'doctor':
        return await doctorCommand(context);
      case 'call':
        return await callCommand(context, {
          method: parsed.positionals[0]!,
          target: parsed.positionals[1]!,
          data: parsed.data,
          headers: parsed.headers,
        });
    }
  } catch (error) {
    io.stderr.write(failureLine(error));
    return 1;
  }
}

/** The real process's streams and environment. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
