// What a README's fragments take from the blocks before them (the `auth` a first block created, the
// Express `app`): declared per README as ambient globals, so that a fragment is checked with the real
// types of what it uses. A name a block imports or declares itself shadows these.
export const FREE_VARIABLES = {
  'README.md': `
declare const query: { regimes: string[]; products: unknown[] };`,
  'packages/core/README.md': `
declare const auth: import('@apiax-auth/core').ApiaxAuth;
declare const createApiaxAuth: typeof import('@apiax-auth/core').createApiaxAuth;
type TokenRecord = import('@apiax-auth/core').TokenRecord;
declare function log(...values: unknown[]): void;`,
  'packages/express/README.md': `
declare const app: import('express').Express;
declare const apiaxAuth: typeof import('@apiax-auth/express').apiaxAuth;
type ApiaxRequestContext = import('@apiax-auth/express').ApiaxRequestContext;
declare const init: RequestInit;`,
  'packages/nest/README.md': `
declare const app: import('@nestjs/common').INestApplication;
declare const ApiaxAuthError: typeof import('@apiax-auth/nest').ApiaxAuthError;
declare const ApiaxAuthModule: typeof import('@apiax-auth/nest').ApiaxAuthModule;
declare const NestFactory: typeof import('@nestjs/core').NestFactory;
declare class AppModule {}`,
  'packages/testing/README.md': `
declare const startFakeApiax: typeof import('@apiax-auth/testing').startFakeApiax;
declare const pem: string;`,
};

/** Per README, compiler options that differ from the strict NodeNext default: Next apps resolve as bundlers. */
export const COMPILER_OPTIONS = {
  // As create-next-app 16 sets them (Next's own declarations need skipLibCheck).
  'packages/next/README.md': { module: 'ESNext', moduleResolution: 'Bundler', lib: ['dom', 'dom.iterable', 'esnext'], skipLibCheck: true },
};
