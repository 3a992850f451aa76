import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a loopback server received it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type RecordingHandler = (request: RecordedRequest, response: ServerResponse) => void;

/** A real `node:http` server on 127.0.0.1, port 0, that records every request before handing it to `handler`. */
export interface RecordingServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  /** Replaceable per test; the default answers 200 `{"ok":true}`. */
  handler: RecordingHandler;
  url(path: string): string;
  close(): Promise<void>;
}

export const answerOk: RecordingHandler = (_request, response) => json(response, 200, { ok: true });

export function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

export function redirect(response: ServerResponse, status: number, location: string): void {
  response.writeHead(status, { location, 'content-type': 'text/plain' });
  response.end(`redirecting to ${location}`);
}

export async function startRecordingServer(handler: RecordingHandler = answerOk): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const state: RecordingServer = {
    origin: '',
    requests,
    handler,
    url: (path) => `${state.origin}${path}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const recorded: RecordedRequest = {
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      try {
        state.handler(recorded, response);
      } catch (error) {
        response.writeHead(500).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (state as { origin: string }).origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/**
 * A tiny real token source implementing the fetch context's token half: tokens are `${prefix}-1`, `-2`...;
 * a renewal for the current token moves to the next one (one per rejected token, like the engine).
 */
export class CountingTokenSource {
  current = 1;
  readonly getCalls: number[] = [];
  readonly renewCalls: string[] = [];
  closed = false;
  /** When set, renewals fail with it. */
  renewalError: Error | undefined;

  constructor(readonly prefix = 'canary-access-token') {}

  token(n = this.current): string {
    return `${this.prefix}-${n}`;
  }

  async getAccessToken(): Promise<string> {
    this.getCalls.push(this.current);
    return this.token();
  }

  async renewAfterUnauthorized(rejectedToken: string): Promise<string> {
    this.renewCalls.push(rejectedToken);
    if (this.renewalError !== undefined) throw this.renewalError;
    if (rejectedToken === this.token()) this.current += 1;
    return this.token();
  }
}
