import { createTestClock } from '@apiax-auth/testing';
import { describe, expect, it } from 'vitest';
import { ApiaxAuthError, createApiaxAuth, type ApiaxTokenEvent } from '../src/index.js';
import { settled, startHarness } from './support/harness.js';

describe('the clock option: time is an input, timers included', () => {
  it('background renewals follow the injected clock: moving it fires the renewal, with no real wait', async () => {
    const { fake, client } = await startHarness();
    const clock = createTestClock(fake.now());
    const tokens: ApiaxTokenEvent[] = [];
    const auth = client({ now: undefined, clock, background: true });
    auth.on('token', (event) => tokens.push(event));
    await auth.getAccessToken();
    // The fake keeps its own clock: move both by the same amount.
    fake.advance(26 * 60);
    clock.advance(26 * 60);
    await settled(auth);
    expect(tokens.map((event) => [event.grant, event.reason])).toEqual([
      ['password', 'initial'],
      ['refresh', 'background'],
    ]);
    expect(fake.stats).toMatchObject({ password: 1, refresh: 1 });
  });

  it('refuses a clock without timers, and a clock given together with now, naming the option', () => {
    const base = { env: {}, username: 'u', password: 'p' };
    for (const options of [{ clock: { now: () => 0 } }, { clock: createTestClock(0), now: () => 0 }]) {
      const construct = () => createApiaxAuth({ ...base, ...(options as object) });
      expect(construct).toThrow(ApiaxAuthError);
      expect(construct).toThrow(/clock/);
    }
  });
});
