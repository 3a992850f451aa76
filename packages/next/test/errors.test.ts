import { describe, expect, test, vi } from 'vitest';
import { ApiaxAuthError } from '../src/index.js';

/** A second, independent copy of core's module graph, as another Next.js bundle layer would hold. */
async function anotherCopyOfCore(): Promise<typeof import('@apiax-auth/core')> {
  vi.resetModules();
  return import('@apiax-auth/core');
}

// The registry shares one client across bundle layers, each with its own copy of core: an error the
// client throws comes from whichever copy created it, and must still be an ApiaxAuthError here.
describe('ApiaxAuthError across bundle layers', () => {
  test("an error of another copy of core is instanceof this copy's class, fields intact", async () => {
    const foreignCore = await anotherCopyOfCore();
    expect(foreignCore.ApiaxAuthError).not.toBe(ApiaxAuthError);
    const foreign = new foreignCore.ApiaxAuthError('invalid_credentials', 'Invalid user credentials', {
      status: 401,
      oauthError: 'invalid_grant',
    });

    expect(foreign).toBeInstanceOf(ApiaxAuthError);
    expect(new ApiaxAuthError('timeout', 'token request timed out')).toBeInstanceOf(foreignCore.ApiaxAuthError);
    expect(foreign).toMatchObject({
      name: 'ApiaxAuthError',
      code: 'invalid_credentials',
      message: 'Invalid user credentials',
      retryable: false,
      status: 401,
      oauthError: 'invalid_grant',
    });
  });

  test('a lookalike or any other error is not an ApiaxAuthError', () => {
    const lookalike = Object.assign(new Error('no code'), { name: 'ApiaxAuthError', code: 'timeout', retryable: true });
    expect(lookalike).not.toBeInstanceOf(ApiaxAuthError);
    expect(new TypeError('fetch failed')).not.toBeInstanceOf(ApiaxAuthError);
    expect('text').not.toBeInstanceOf(ApiaxAuthError);
    expect(null).not.toBeInstanceOf(ApiaxAuthError);
  });
});
