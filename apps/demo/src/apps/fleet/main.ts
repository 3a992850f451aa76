import type { AddressInfo } from 'node:net';
import { announceReady, listenPort, stopOnRequest } from '../app-process.js';
import { readDemoMode } from '../../shared/demo-settings.js';
import { FLEET_ENV } from '../../shared/fleet-settings.js';
import { createFleetInstance } from './create-fleet-instance.js';

const fleet = createFleetInstance(readDemoMode());
const name = `fleet-${process.env[FLEET_ENV.instance] ?? '?'}`;
const server = fleet.app.listen(listenPort(), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  announceReady(`http://127.0.0.1:${port}`);
});

stopOnRequest(name, async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fleet.tokens.stop();
  // No logout: it would end the session the other instances share (a rolling restart keeps it too).
  // Closing the client closes the store's Redis connections.
  await fleet.auth.close();
});
