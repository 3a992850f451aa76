import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach } from 'vitest';
import { createApiaxAuth, type ApiaxAuth, type ApiaxAuthOptions } from '../../src/index.js';

/** One token request as the hostile server received it (tests only: the form holds secrets). */
export interface HostileRequest {
  /** The raw form-encoded body, exactly as sent. */
  body: string;
  form: URLSearchParams;
  headers: IncomingMessage['headers'];
}

/** How the server answers one token request: it writes to `response` as it likes (or never). */
export type HostileScript = (request: HostileRequest, response: ServerResponse) => void | Promise<void>;

/** A scripted token endpoint on loopback: every request is answered by `script`, real HTTP all the way. */
export interface HostileServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  issuer: string;
  tokenEndpoint: string;
  /** Every token request received, in order. */
  requests: HostileRequest[];
  /** Replaces the script for the next requests. */
  script(next: HostileScript): void;
  close(): Promise<void>;
}

const openServers: HostileServer[] = [];

afterEach(async () => {
  await Promise.all(openServers.splice(0).map((server) => server.close()));
});

/** Starts a scripted token endpoint; closed after each test. */
export async function startHostileServer(initial: HostileScript): Promise<HostileServer> {
  let script = initial;
  const requests: HostileRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const received: HostileRequest = { body, form: new URLSearchParams(body), headers: request.headers };
      requests.push(received);
      Promise.resolve(script(received, response)).catch(() => response.destroy());
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}/auth/realms/apiax`;
  const hostile: HostileServer = {
    origin,
    issuer,
    tokenEndpoint: `${issuer}/protocol/openid-connect/token`,
    requests,
    script(next) {
      script = next;
    },
    async close() {
      // Hung and trickling answers keep their sockets open: end them, or close() would wait for them.
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  openServers.push(hostile);
  return hostile;
}

/** Answers JSON with `status`. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): HostileScript {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };
}

/** A proxy's error page: `status` with an HTML body. */
export function html(status: number, text = 'Unauthorized'): HostileScript {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'text/html' });
    response.end(`<html><head><title>${status} ${text}</title></head><body><h1>${text}</h1><hr>nginx</body></html>`);
  };
}

/** Never answers: the request hangs until the client gives up (or the server closes). */
export const hang: HostileScript = () => undefined;

/**
 * A 200 JSON answer of `totalBytes`, streamed in 64 KiB chunks as fast as the client reads, without
 * a `Content-Length` (so only reading tells its size). Records how many bytes the client accepted.
 */
export function hugeBody(totalBytes: number, sent: { bytes: number }): HostileScript {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  return (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"access_token":"');
    const pump = (): void => {
      while (sent.bytes < totalBytes) {
        sent.bytes += chunk.length;
        if (!response.write(chunk)) {
          response.once('drain', pump);
          return;
        }
      }
      response.end('"}');
    };
    response.on('error', () => undefined);
    pump();
  };
}

/** A valid token response, one byte every `intervalMs`: each byte arrives well within any per-read timeout. */
export function trickle(body: string, intervalMs: number): HostileScript {
  return (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    let index = 0;
    const timer = setInterval(() => {
      if (response.destroyed || index >= body.length) {
        clearInterval(timer);
        response.end();
        return;
      }
      response.write(body[index]);
      index += 1;
    }, intervalMs);
    response.on('close', () => clearInterval(timer));
  };
}

const openClients: ApiaxAuth[] = [];

afterEach(async () => {
  await Promise.all(openClients.splice(0).map((client) => client.close()));
});

/** A client pointed at a hostile server, with fast retries; closed after the test. */
export function hostileClient(server: HostileServer, overrides: ApiaxAuthOptions = {}): ApiaxAuth {
  const client = createApiaxAuth({
    env: {},
    issuer: server.issuer,
    tokenEndpoint: server.tokenEndpoint,
    apiBaseUrl: server.origin,
    username: 'demo',
    password: 'demo-password',
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
    logger: false,
    ...overrides,
  });
  openClients.push(client);
  return client;
}

/** A JWT-shaped access token (unsigned: the client never verifies it, it only reads exp/iat). */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}
