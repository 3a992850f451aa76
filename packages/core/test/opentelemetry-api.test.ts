import { describe, expect, it } from 'vitest';
import { loadOpenTelemetryApi, requireOptional } from '../src/opentelemetry-api.js';
import { createTelemetry, NO_TELEMETRY, remainingSeconds, resultAttributes } from '../src/telemetry.js';
import { ApiaxAuthError } from '../src/index.js';

describe('loading the optional @opentelemetry/api', () => {
  it('answers null for a package that is not installed, instead of throwing', () => {
    expect(requireOptional('@opentelemetry/not-installed-anywhere')).toBeNull();
  });

  it('finds the installed API, and telemetry: false never loads it into use', () => {
    expect(loadOpenTelemetryApi()?.trace.getTracer).toBeTypeOf('function');
    expect(createTelemetry({ enabled: false, tokenEndpoint: 'https://auth.example/token' })).toBe(NO_TELEMETRY);
  });
});

describe('pure parts', () => {
  it('remainingSeconds: none when unknown, never negative', () => {
    expect(remainingSeconds(null, 0)).toBeUndefined();
    expect(remainingSeconds(90_000, 30_000)).toBe(60);
    expect(remainingSeconds(1_000, 5_000)).toBe(0);
  });

  it('resultAttributes: the code and status on failure, never the message', () => {
    const error = new ApiaxAuthError('invalid_credentials', 'refused for user "secret-user"', { status: 401 });
    const result = resultAttributes('password', { ok: false, failure: { error } });
    expect(result).toEqual({
      span: { 'error.type': 'invalid_credentials', 'http.response.status_code': 401 },
      errorType: 'invalid_credentials',
    });
    expect(resultAttributes('logout', { ok: true })).toEqual({ span: {} });
    expect(resultAttributes('refresh', undefined).errorType).toBe('unexpected');
  });
});
