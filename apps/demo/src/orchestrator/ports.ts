import { createServer } from 'node:net';
import type { Environment } from '../shared/demo-settings.js';

/** Whether nothing listens on `port` of `host` right now. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/** A port the system considers free now (another process could take it before we do: retry on failure). */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export const DEFAULT_DASHBOARD_PORT = 3000;

/**
 * The dashboard's port: `DEMO_PORT` when set (0 = any free port; a busy one is an error, the user
 * asked for it), else 3000, or any free port when 3000 is taken — a newcomer should not have to
 * find out what holds port 3000.
 */
export async function chooseDashboardPort(env: Environment): Promise<number> {
  const requested = env.DEMO_PORT;
  if (requested !== undefined && requested !== '') {
    const port = Number(requested);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError(`DEMO_PORT must be a port number, got "${requested}"`);
    if (port === 0) return findFreePort();
    if (!(await isPortFree(port))) throw new RangeError(`DEMO_PORT ${port} is already in use`);
    return port;
  }
  return (await isPortFree(DEFAULT_DASHBOARD_PORT)) ? DEFAULT_DASHBOARD_PORT : findFreePort();
}
