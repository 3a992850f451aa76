import { describe, expect, test, vi } from 'vitest';
import { asLocalApiaxAuthError } from '../src/errors.js';
import { ApiaxAuthError } from '../src/index.js';

/** A second, independent copy of core's module graph, as another Next.js bundle layer would hold. */
async function anotherCopyOfCore(): Promise<typeof import('@apiax-auth/core')> {
  vi.resetModules();
  return import('@apiax-auth/core');
}

describe('asLocalApiaxAuthError', () => {
  test('rebuilds an ApiaxAuthError of another copy of core as this copy\'s class, fields intact', async () => {
    const foreignCore = await anotherCopyOfCore();
    expect(foreignCore.ApiaxAuthError).not.toBe(ApiaxAuthError);
    const foreign = new foreignCore.ApiaxAuthError('invalid_credentials', 'Invalid user credentials', {
      status: 401,
      oauthError: 'invalid_grant',
    });
    expect(foreign).not.toBeInstanceOf(ApiaxAuthError);

    const local = asLocalApiaxAuthError(foreign);

    expect(local).toBeInstanceOf(ApiaxAuthError);
    expect(local).toMatchObject({
      name: 'ApiaxAuthError',
      code: 'invalid_credentials',
      message: 'Invalid user credentials',
      retryable: false,
      status: 401,
      oauthError: 'invalid_grant',
      stack: foreign.stack,
    });
  });

  test('leaves this copy\'s errors and every other error untouched', () => {
    const own = new ApiaxAuthError('timeout', 'token request timed out', { retryable: true });
    const other = new TypeError('fetch failed');
    const lookalike = Object.assign(new Error('no code'), { name: 'ApiaxAuthError' });

    expect(asLocalApiaxAuthError(own)).toBe(own);
    expect(asLocalApiaxAuthError(other)).toBe(other);
    expect(asLocalApiaxAuthError(lookalike)).toBe(lookalike);
    expect(asLocalApiaxAuthError('text')).toBe('text');
  });
});
