import type { AddressInfo } from 'node:net';
import { announceReady, listenPort, stopOnRequest } from '../app-process.js';
import { readDemoMode } from '../../shared/demo-settings.js';
import { createExpressDemo } from './create-express-demo.js';

const demo = createExpressDemo(readDemoMode());
const server = demo.app.listen(listenPort(), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  announceReady(`http://127.0.0.1:${port}`);
});

stopOnRequest('express', async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  demo.log.stop();
  // Ends the Keycloak session too: a demo run should not leave sessions behind on the real Apiax.
  await demo.auth.close({ logout: true });
});
