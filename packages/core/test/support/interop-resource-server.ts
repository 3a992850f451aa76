import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A resource server on loopback that accepts a bearer token only when the authorization server says so
 * (`isValid`), and answers anything else as Keycloak-protected APIs do: 401 with `WWW-Authenticate`.
 */
export interface ResourceServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Tokens it accepted and refused, in order. */
  readonly accepted: string[];
  readonly rejected: string[];
  close(): Promise<void>;
}

export async function startResourceServer(isValid: (token: string) => Promise<boolean>): Promise<ResourceServer> {
  const accepted: string[] = [];
  const rejected: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
      void (token === undefined ? Promise.resolve(false) : isValid(token)).then((valid) => {
        if (!valid) {
          if (token !== undefined) rejected.push(token);
          response.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"', 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: 'invalid_token' }));
          return;
        }
        accepted.push(token as string);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ path: request.url, body: Buffer.concat(chunks).toString('utf8') }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accepted,
    rejected,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
