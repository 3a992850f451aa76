export { startFakeApiax } from './server.js';
export { createTestClock, type TestClock } from './clock.js';
export { JWT_BEARER_ASSERTION_TYPE } from './client-assertion.js';
export type {
  FakeApiax,
  FakeApiaxEnv,
  FakeApiaxOptions,
  FakeApiaxStats,
  FakeAssertionRegistration,
  FakePublicJwk,
  FakeBruteForceOptions,
  FakeEndpoint,
  FakeFault,
  FakeRequestLogEntry,
  FakeUser,
} from './types.js';
