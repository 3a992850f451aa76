import { createApiaxNext } from '@apiax-auth/next';

// Everything comes from APIAX_* (the e2e test points them at the fake Apiax).
export const { apiax, withApiax } = createApiaxNext();

// Each bundle layer (and each dev-server hot reload) evaluates this module anew: the e2e test counts
// these lines to show that several copies exist, and that they still share one client.
console.log('[fixture] lib/apiax.ts evaluated');
