import { readFile } from 'node:fs/promises';
import { parseHeader } from '../arguments.js';
import { withClient, type ClientContext } from '../client.js';
import { CliFailure, type CliIo } from '../output.js';

/** What `apiax call` was asked to send. */
export interface CallRequest {
  method: string;
  target: string;
  data: string | undefined;
  headers: string[];
}

/**
 * `apiax call`: `auth.fetch` from the shell (relative paths under the API URL, only allowed origins, the 401
 * replay). The body goes to stdout: indented JSON on a terminal, the raw bytes when piped. HTTP ≥ 400: the
 * body still goes to stdout, the status to stderr, exit 1.
 */
export async function callCommand(context: ClientContext, request: CallRequest): Promise<number> {
  const body = request.data === undefined ? undefined : await readBody(request.data, context.io);
  const headers = new Headers();
  for (const header of request.headers) headers.append(...parseHeader(header));
  const method = request.method.toUpperCase();
  const response = await withClient(context, async (auth) => {
    const answer = await auth.fetch(request.target, { method, headers, ...(body === undefined ? {} : { body }) });
    return {
      status: answer.status,
      statusText: answer.statusText,
      type: answer.headers.get('content-type') ?? '',
      bytes: Buffer.from(await answer.arrayBuffer()),
    };
  });
  context.io.stdout.write(render(response.bytes, response.type, context.io.stdout.isTTY === true));
  if (response.status < 400) return 0;
  context.io.stderr.write(
    `apiax: http_error: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} from ${method} ${request.target}\n`,
  );
  return 1;
}

/** `--data`: a literal, `@file`, or `-` for stdin. Sent as bytes, as given (core labels it JSON). */
async function readBody(data: string, io: CliIo): Promise<Buffer> {
  if (data === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  if (!data.startsWith('@')) return Buffer.from(data);
  try {
    return await readFile(data.slice(1));
  } catch (error) {
    throw new CliFailure(
      'data_file_unreadable',
      `cannot read --data file ${data.slice(1)} (${(error as { code?: string }).code ?? 'error'})`,
    );
  }
}

/** A terminal gets indented JSON (and a final newline); a pipe gets the bytes unchanged. */
function render(bytes: Buffer, contentType: string, terminal: boolean): Uint8Array | string {
  if (!terminal || !/\bjson\b/i.test(contentType)) return bytes;
  try {
    return `${JSON.stringify(JSON.parse(bytes.toString('utf8')), null, 2)}\n`;
  } catch {
    return bytes;
  }
}
