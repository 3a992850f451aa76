import { once } from 'node:events';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { generate } from 'selfsigned';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiax, startFake, tempDir, userEnv } from './support/apiax.js';

const DAY_MS = 86_400_000;

/** A private CA, as a company's TLS-inspecting proxy has, and the path of its certificate for NODE_EXTRA_CA_CERTS. */
let ca: { key: string; cert: string; file: string };

beforeAll(async () => {
  const pems = await generate([{ name: 'commonName', value: 'apiax-auth test CA' }], {
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  // Not tempDir(): that one is removed after each test, and the CA serves them all.
  const dir = mkdtempSync(join(tmpdir(), 'apiax-cli-ca-'));
  writeFileSync(join(dir, 'ca.pem'), pems.cert);
  ca = { key: pems.private, cert: pems.cert, file: join(dir, 'ca.pem') };
  return () => rmSync(dir, { recursive: true, force: true });
});

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A certificate signed by the test CA for `names` (DNS names), valid from `fromDays` to `toDays` (relative to now). */
async function leaf(names: string[], fromDays: number, toDays: number): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: 'commonName', value: names[0]! }], {
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() + fromDays * DAY_MS),
    notAfterDate: new Date(Date.now() + toDays * DAY_MS),
    ca: { key: ca.key, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'subjectAltName', altNames: names.map((value) => ({ type: 2, value })) },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** An HTTPS-shaped origin on loopback: it completes the handshake and closes. Its URL names `localhost`. */
async function tlsOrigin(certificate: { key: string; cert: string }): Promise<string> {
  const server = createTlsServer(certificate, (socket) => socket.on('error', () => {}).end());
  server.on('tlsClientError', () => {});
  return listen(server);
}

async function listen(server: Server): Promise<string> {
  // The client hangs up mid-handshake on purpose (doctor only looks): a reset is expected, not an error.
  server.on('connection', (socket: Socket) => sockets.add(socket.on('error', () => {}).on('close', () => sockets.delete(socket))));
  servers.push(server.listen(0, '127.0.0.1'));
  await once(server, 'listening');
  return `https://localhost:${(server.address() as { port: number }).port}`;
}

/** `apiax doctor` with the API at `apiUrl`, trusting the test CA unless `trustCa` is false. */
async function doctorAgainst(apiUrl: string, trustCa = true) {
  const fake = await startFake();
  const extra: Record<string, string> = { APIAX_API_URL: apiUrl, ...(trustCa ? { NODE_EXTRA_CA_CERTS: ca.file } : {}) };
  return apiax(['doctor', '--no-cache'], userEnv(fake, tempDir(), extra));
}

describe('apiax doctor: the TLS check', () => {
  it('a certificate the machine trusts (NODE_EXTRA_CA_CERTS) for the host: protocol, name and days left; exit 0', async () => {
    const run = await doctorAgainst(await tlsOrigin(await leaf(['localhost'], -1, 90)));
    expect(run.stdout).toMatch(/✓ TLS API: TLSv1\.3, certificate valid for localhost, expires in (89|90) days\n/);
    expect(run).toMatchObject({ code: 0, stderr: '' });
  });

  it('a certificate of an unknown issuer: the error code and the NODE_EXTRA_CA_CERTS hint; exit 1', async () => {
    const run = await doctorAgainst(await tlsOrigin(await leaf(['localhost'], -1, 90)), false);
    expect(run.stdout).toMatch(
      /✗ TLS API: UNABLE_TO_VERIFY_LEAF_SIGNATURE: the certificate is not trusted; behind a TLS-inspecting proxy, set NODE_EXTRA_CA_CERTS/,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('apiax: doctor_failed: TLS API\n');
  });

  it('an expired certificate, one for another host, and one not valid yet are each told apart', async () => {
    const expired = await doctorAgainst(await tlsOrigin(await leaf(['localhost'], -60, -1)));
    expect(expired.stdout).toMatch(/✗ TLS API: CERT_HAS_EXPIRED: the server's certificate has expired/);
    const otherHost = await doctorAgainst(await tlsOrigin(await leaf(['rule-engine.example'], -1, 90)));
    expect(otherHost.stdout).toMatch(/✗ TLS API: ERR_TLS_CERT_ALTNAME_INVALID: the certificate is not for localhost: check the URL/);
    const future = await doctorAgainst(await tlsOrigin(await leaf(['localhost'], 2, 90)));
    expect(future.stdout).toMatch(/✗ TLS API: CERT_NOT_YET_VALID: .*check this machine's clock/);
    for (const run of [expired, otherHost, future]) expect(run.code).toBe(1);
  });

  it('a certificate about to expire is a warning, not a failure', async () => {
    const run = await doctorAgainst(await tlsOrigin(await leaf(['localhost'], -80, 5)));
    expect(run.stdout).toMatch(/! TLS API: TLSv1\.3, certificate valid for localhost, expires in [45] days\n/);
    expect(run.code).toBe(0);
  });

  it('https:// on a port that speaks plain HTTP: no handshake, and the advice says so', async () => {
    const plain = createTcpServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n'));
    const run = await doctorAgainst(await listen(plain));
    expect(run.stdout).toMatch(/✗ TLS API: [A-Z_]+: no TLS handshake on this port: check https:\/\/ against http:\/\/ and the port/);
    expect(run.code).toBe(1);
  });
});
