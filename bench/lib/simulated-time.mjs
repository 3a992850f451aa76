import { createTestClock } from '@apiax-auth/testing';

/**
 * One clock for the fake, our client (its `now` option) and the peers, which read `Date.now()` and
 * accept no clock: while a simulated scenario runs, `Date.now` is the simulated clock for everyone.
 */
export async function withSimulatedTime(run) {
  const clock = createTestClock();
  const realDateNow = Date.now;
  Date.now = () => clock.now();
  try {
    return await run(clock);
  } finally {
    Date.now = realDateNow;
  }
}
