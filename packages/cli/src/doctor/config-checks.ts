import type { Environment } from '../environment.js';
import type { Checklist } from './checklist.js';

const DEFAULT_ISSUER = 'https://auth.apiax.io/auth/realms/apiax';
const DEFAULT_API_URL = 'https://rule-engine.apiax.io';

/** Where the run will send its requests, as core resolves them (the defaults of shared/API.md). */
export interface Endpoints {
  tokenEndpoint: string;
  apiBaseUrl: string;
}

const set = (env: Environment, name: string) => (env[name] ?? '').trim() !== '';

/**
 * Lists every variable as set or not, never a value: a missing required one is `✗`, a missing API key `!`
 * (the rule engine wants one), an unset optional one `·` with its default.
 */
export function checkVariables(env: Environment, list: Checklist, noCache: boolean): void {
  for (const name of ['APIAX_USERNAME', 'APIAX_PASSWORD']) {
    if (set(env, name)) list.line('✓', name, 'set');
    else list.line('✗', name, 'not set (required): add it to your --env-file or environment');
  }
  if (set(env, 'APIAX_API_KEY')) list.line('✓', 'APIAX_API_KEY', 'set');
  else list.line('!', 'APIAX_API_KEY', 'not set: API calls go without the Apikey header that the rule engine expects');
  const optional: Array<[string, string]> = [
    ['APIAX_ISSUER', `default ${DEFAULT_ISSUER}`],
    ['APIAX_TOKEN_URL', 'default {issuer}/protocol/openid-connect/token'],
    ['APIAX_API_URL', `default ${DEFAULT_API_URL}`],
    ['APIAX_CLIENT_ID', 'default integration-api (2FA: the assertion subject)'],
    ['APIAX_ASSERTION_KEY', 'not set: password login (1FA)'],
    ['APIAX_ASSERTION_SUBJECT', 'not set: password login (1FA)'],
  ];
  for (const [name, unset] of optional) list.line('·', name, set(env, name) ? 'set' : unset);
  if (!noCache) {
    list.line('·', 'APIAX_CACHE_DIR', set(env, 'APIAX_CACHE_DIR') ? 'set' : 'not set: $XDG_CACHE_HOME/apiax-auth or ~/.cache/apiax-auth');
    if (set(env, 'APIAX_CACHE_KEY')) list.line('✓', 'APIAX_CACHE_KEY', 'set: the token cache is encrypted');
    else list.line('!', 'APIAX_CACHE_KEY', 'not set: the token cache is protected by file permissions only (set it to encrypt)');
  }
}

/** The token endpoint and API URL the client will use; `null` when a URL does not parse (core's check names it). */
export function resolveEndpoints(env: Environment): Endpoints | null {
  const pick = (name: string) => (set(env, name) ? env[name]!.trim() : undefined);
  const issuer = (pick('APIAX_ISSUER') ?? DEFAULT_ISSUER).replace(/\/+$/, '');
  const endpoints = {
    tokenEndpoint: pick('APIAX_TOKEN_URL') ?? `${issuer}/protocol/openid-connect/token`,
    apiBaseUrl: pick('APIAX_API_URL') ?? DEFAULT_API_URL,
  };
  return URL.canParse(endpoints.tokenEndpoint) && URL.canParse(endpoints.apiBaseUrl) ? endpoints : null;
}
