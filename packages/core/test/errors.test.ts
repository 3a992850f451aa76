import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { ApiaxAuthError } from '../src/index.js';

describe('ApiaxAuthError', () => {
  it('is recognised by instanceof in every copy of core, by a mark invisible to JSON and inspect', async () => {
    // A second module instance of the same source: what a second installed copy, or a bundle layer, is.
    vi.resetModules();
    const copy = await import('../src/errors.js');
    expect(copy.ApiaxAuthError).not.toBe(ApiaxAuthError);
    const foreign = new copy.ApiaxAuthError('server_error', 'The Apiax token endpoint failed', { retryable: true, status: 503 });
    expect(foreign).toBeInstanceOf(ApiaxAuthError);
    expect(new ApiaxAuthError('closed', 'closed')).toBeInstanceOf(copy.ApiaxAuthError);
    expect(foreign).toBeInstanceOf(Error);

    expect(JSON.parse(JSON.stringify(foreign))).toEqual({
      name: 'ApiaxAuthError',
      code: 'server_error',
      message: 'The Apiax token endpoint failed',
      retryable: true,
      status: 503,
    });
    expect(inspect(foreign)).not.toMatch(/Symbol\(@apiax-auth/);
  });

  it('refuses lookalikes: a name and a code do not make an ApiaxAuthError', () => {
    const lookalike = Object.assign(new Error('x'), { name: 'ApiaxAuthError', code: 'closed', retryable: false });
    expect(lookalike).not.toBeInstanceOf(ApiaxAuthError);
    expect({}).not.toBeInstanceOf(ApiaxAuthError);
    expect(undefined).not.toBeInstanceOf(ApiaxAuthError);
  });
});
