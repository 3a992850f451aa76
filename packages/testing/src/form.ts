import type { IncomingMessage } from 'node:http';
import { mediaType } from './http.js';

/** A parsed form body: single values, and whether a parameter was sent twice (Keycloak refuses that). */
export interface FormParameters {
  get(name: string): string | undefined;
  readonly duplicated: boolean;
}

/**
 * Parses a token-endpoint body as Keycloak does: only `application/x-www-form-urlencoded` is read; any other body
 * (JSON, multipart, none) yields no parameters, hence Keycloak's "Missing form parameter: grant_type".
 */
export function parseForm(request: IncomingMessage, body: string): FormParameters {
  if (mediaType(request) !== 'application/x-www-form-urlencoded') {
    return { get: () => undefined, duplicated: false };
  }
  const params = new URLSearchParams(body);
  const names = [...params.keys()];
  return {
    get: (name) => params.get(name) ?? undefined,
    duplicated: new Set(names).size !== names.length,
  };
}
