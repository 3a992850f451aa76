// What Next.js loads (package.json's `react-server` and `default` conditions). Importing this package
// from a client component fails the build: tokens and passwords stay on the server.
// This works only because package.json does not declare `"sideEffects": false`: with it, bundlers
// (Turbopack, webpack) skip this barrel, take `createApiaxNext` straight from its own module, never
// see `server-only`, and put core into the client bundle (caught by test/e2e.test.ts).
import 'server-only';

export * from './node.js';
