import { lookup } from 'node:dns/promises';
import { connect as connectTcp, isIP } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { Checklist } from './checklist.js';

/** One network step's time budget: a check that hangs says so instead of hanging doctor. */
const STEP_TIMEOUT_MS = 5_000;
/** A certificate that expires sooner than this is worth a `!`. */
const CERTIFICATE_WARNING_DAYS = 14;

/**
 * DNS, then TCP, then TLS for the origin of `url`, each a line. Returns whether the origin is reachable,
 * so later checks that need it can be skipped with a reason.
 */
export async function checkReachability(label: string, url: URL, list: Checklist): Promise<boolean> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  try {
    const addresses = isIP(host) ? [{ address: host }] : await withTimeout(lookup(host, { all: true }), 'DNS lookup');
    list.line('✓', `DNS ${label}`, `${host} → ${addresses.map((entry) => entry.address).join(', ')}`);
  } catch (error) {
    list.line('✗', `DNS ${label}`, `${host} does not resolve (${codeOf(error)}): check the URL, your DNS or proxy settings`);
    return false;
  }
  const started = performance.now();
  try {
    await connectOnce(() => connectTcp({ host, port }), 'connect');
    list.line('✓', `TCP ${label}`, `${host}:${port} accepts connections (${Math.round(performance.now() - started)} ms)`);
  } catch (error) {
    list.line('✗', `TCP ${label}`, `${host}:${port} refused or unreachable (${codeOf(error)}): check the URL, a firewall or HTTPS_PROXY`);
    return false;
  }
  if (url.protocol !== 'https:') {
    list.line('·', `TLS ${label}`, 'not used: plain http (accepted on loopback hosts only)');
    return true;
  }
  try {
    const socket = await connectOnce(() => connectTls({ host, port, ...(isIP(host) ? {} : { servername: host }) }), 'secureConnect');
    const days = Math.floor((Date.parse(socket.getPeerCertificate().valid_to) - Date.now()) / 86_400_000);
    const detail = `${socket.getProtocol() ?? 'TLS'}, certificate valid for ${host}, expires in ${days} days`;
    // Certificates of public endpoints renew weeks ahead: one this close to its end is a renewal that failed.
    list.line(days < CERTIFICATE_WARNING_DAYS ? '!' : '✓', `TLS ${label}`, detail);
    socket.destroy();
    return true;
  } catch (error) {
    const code = codeOf(error);
    list.line('✗', `TLS ${label}`, `${code}: ${tlsAdvice(code, host)}`);
    return false;
  }
}

/** What to do about a failed TLS handshake, by the error's code. */
function tlsAdvice(code: string, host: string): string {
  switch (code) {
    case 'CERT_HAS_EXPIRED':
      return "the server's certificate has expired: its operator must renew it";
    case 'CERT_NOT_YET_VALID':
      return "the certificate is not valid yet: check this machine's clock (NTP)";
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the certificate is not for ${host}: check the URL`;
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
      return 'no TLS handshake on this port: check https:// against http:// and the port';
    case 'ECONNRESET':
      return 'the connection was reset during the handshake: check https:// against http://, the port, and any proxy';
    default:
      return 'the certificate is not trusted; behind a TLS-inspecting proxy, set NODE_EXTRA_CA_CERTS to its CA file';
  }
}

/**
 * Clock skew against the `Date` header of one request to the token endpoint (a GET: it sends no credential).
 * Token lifetimes are counted on the local clock, so skew matters little for 1FA; 2FA assertions live 60 s.
 */
export async function checkClockSkew(tokenEndpoint: string, twoFactor: boolean, list: Checklist): Promise<void> {
  const started = Date.now();
  let dateHeader: string | null;
  try {
    const response = await fetch(tokenEndpoint, { method: 'GET', signal: AbortSignal.timeout(STEP_TIMEOUT_MS) });
    await response.body?.cancel();
    dateHeader = response.headers.get('date');
  } catch (error) {
    list.line('✗', 'clock skew', `the token endpoint did not answer an HTTP request (${codeOf(error)})`);
    return;
  }
  const local = (started + Date.now()) / 2;
  const server = dateHeader === null ? Number.NaN : Date.parse(dateHeader) + 500; // Date has 1-s resolution
  if (Number.isNaN(server)) {
    list.line('!', 'clock skew', 'unknown: the token endpoint sent no Date header');
    return;
  }
  const skewSeconds = (local - server) / 1000;
  const shown = `${skewSeconds >= 0 ? '+' : ''}${skewSeconds.toFixed(1)} s against the token endpoint's Date header`;
  if (Math.abs(skewSeconds) <= 5) list.line('✓', 'clock skew', shown);
  else if (twoFactor && Math.abs(skewSeconds) > 30)
    list.line('✗', 'clock skew', `${shown}: 2FA assertions live 60 s; sync your clock (NTP)`);
  else list.line('!', 'clock skew', `${shown}: sync your clock (NTP)`);
}

function connectOnce<
  S extends {
    once(event: string, listener: (...args: never[]) => void): unknown;
    destroy(): void;
    setTimeout(ms: number, cb: () => void): unknown;
  },
>(open: () => S, readyEvent: string): Promise<S> {
  return new Promise((resolve, reject) => {
    const socket = open();
    socket.setTimeout(STEP_TIMEOUT_MS, () => {
      socket.destroy();
      reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    });
    socket.once('error', (error: Error) => reject(error));
    socket.once(readyEvent, () => {
      socket.setTimeout(0, () => undefined);
      if (readyEvent === 'connect') socket.destroy();
      resolve(socket);
    });
  });
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(Object.assign(new Error(`${what} timed out`), { code: 'ETIMEDOUT' })), STEP_TIMEOUT_MS).unref(),
    ),
  ]);
}

/** A system error's code (`ENOTFOUND`, `ECONNREFUSED`, `CERT_HAS_EXPIRED`...), or its kind. */
function codeOf(error: unknown): string {
  const value = error as { code?: unknown; cause?: { code?: unknown }; name?: unknown } | null;
  if (typeof value?.code === 'string') return value.code;
  if (typeof value?.cause?.code === 'string') return value.cause.code;
  return typeof value?.name === 'string' ? value.name : 'error';
}
