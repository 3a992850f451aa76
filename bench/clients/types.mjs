/**
 * @typedef {object} ClientSetup
 * @property {import('@apiax-auth/testing').FakeApiax} fake
 * @property {string} username
 * @property {string} password
 * @property {() => number} now          the clock (epoch ms); simulated scenarios also fake `Date.now`
 * @property {boolean} [simulatedTime]   true where the clock is simulated: real-time timers are useless
 * @property {import('@apiax-auth/core').TokenStore} [store]
 *
 * @typedef {object} BenchClient
 * @property {(path: string, init?: RequestInit) => Promise<Response>} fetch
 * @property {() => Promise<void>} close
 */
export {};
