import { parseArgs } from 'node:util';

/** The commands `apiax` knows. */
export type CommandName = 'token' | 'call' | 'status' | 'doctor';

/** A command line, parsed and checked. */
export type ParsedCommandLine =
  | { kind: 'help' }
  | { kind: 'version' }
  | {
      kind: 'command';
      command: CommandName;
      /** `call` only: method and path or URL. */
      positionals: string[];
      envFile: string | undefined;
      noCache: boolean;
      /** `call` only. */
      data: string | undefined;
      headers: string[];
    };

/** A wrong command line: `apiax` prints the message and the usage on stderr, and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The help text (stdout for `--help`, stderr after a usage error). No secret, no advice to type one. */
export const USAGE = `Usage: apiax <command> [options]

Commands:
  token                                 print the access token alone (for curl -H "Authorization: Bearer $(apiax token)")
  call <METHOD> <path-or-url>           call the Apiax API with the token; the body goes to stdout
       [--data <json> | --data @file | --data -] [--header name:value ...]
  status                                the session's state and expiries as JSON (no secret)
  doctor                                check configuration, network, clock, 2FA key and one login

Options:
  --env-file <path>   read APIAX_* variables from a file (variables already set win)
  --no-cache          do not read or write the token cache (every run logs in)
  -h, --help          this text
  -v, --version       the version

Configuration comes from APIAX_USERNAME, APIAX_PASSWORD, APIAX_API_KEY, ... (see the README).
Keep the password in a file (--env-file) or your secret manager, not on the command line.
Token cache: $APIAX_CACHE_DIR, else $XDG_CACHE_HOME/apiax-auth, else ~/.cache/apiax-auth;
set APIAX_CACHE_KEY to encrypt it.

Exit codes: 0 ok, 1 failure (the error code on stderr), 2 wrong usage.`;

const COMMANDS: ReadonlySet<string> = new Set<CommandName>(['token', 'call', 'status', 'doctor']);

/** Parses `argv` (without node and the script); throws {@link UsageError} for anything it does not know. */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        'env-file': { type: 'string' },
        'no-cache': { type: 'boolean' },
        data: { type: 'string' },
        header: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    // parseArgs quotes the offending flag, never a value of a known one.
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };
  const [command, ...rest] = positionals;
  if (command === undefined) throw new UsageError('a command is required');
  if (!COMMANDS.has(command)) throw new UsageError(`unknown command "${printable(command)}"`);
  const headers = values.header ?? [];
  if (command === 'call') {
    if (rest.length !== 2) throw new UsageError('call expects <METHOD> <path-or-url>');
    if (!/^[A-Za-z]+$/.test(rest[0]!)) throw new UsageError(`"${printable(rest[0]!)}" is not an HTTP method`);
    if (values.data !== undefined && /^(GET|HEAD)$/i.test(rest[0]!)) throw new UsageError(`${rest[0]!.toUpperCase()} cannot carry --data`);
    for (const header of headers) parseHeader(header);
  } else {
    if (rest.length > 0) throw new UsageError(`${command} takes no arguments`);
    if (values.data !== undefined || headers.length > 0) throw new UsageError('--data and --header only go with call');
  }
  return {
    kind: 'command',
    command: command as CommandName,
    positionals: rest,
    envFile: values['env-file'],
    noCache: values['no-cache'] === true,
    data: values.data,
    headers,
  };
}

/** `name:value` → [name, value]; the value is never quoted back (it may be a credential). */
export function parseHeader(header: string): [string, string] {
  const separator = header.indexOf(':');
  const name = separator > 0 ? header.slice(0, separator).trim() : '';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new UsageError('--header expects name:value');
  return [name, header.slice(separator + 1).trim()];
}

/** Echoes a short, control-free version of user input in messages. */
function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}
