import { createApiaxAuth, ApiaxAuthError } from '@apiax-auth/core';
import { createCache, type ClientContext } from '../client.js';
import { Checklist } from '../doctor/checklist.js';
import { checkVariables, resolveEndpoints } from '../doctor/config-checks.js';
import { checkAssertionKey } from '../doctor/key-check.js';
import { checkLogin } from '../doctor/login-check.js';
import { checkClockSkew, checkReachability } from '../doctor/network-checks.js';

/**
 * `apiax doctor`: a checklist, in order — variables (set or not, never their values), the configuration as core
 * reads it, the token cache, DNS/TCP/TLS of the token endpoint and the API, clock skew, the 2FA key, and at
 * most one login. Exit 1 naming what is wrong.
 */
export async function doctorCommand(context: ClientContext): Promise<number> {
  const list = new Checklist(context.io);
  context.io.stdout.write('apiax doctor: nothing secret is printed\n');
  checkVariables(context.env, list, context.noCache);
  const configured = checkConfiguration(context, list);
  await checkCache(context, list);
  const endpoints = resolveEndpoints(context.env);
  let tokenEndpointReachable = false;
  if (endpoints !== null) {
    tokenEndpointReachable = await checkReachability('token endpoint', new URL(endpoints.tokenEndpoint), list);
    await checkReachability('API', new URL(endpoints.apiBaseUrl), list);
    if (tokenEndpointReachable) await checkClockSkew(endpoints.tokenEndpoint, (context.env['APIAX_ASSERTION_KEY'] ?? '') !== '', list);
  }
  checkAssertionKey(context.env, list);
  if (!configured) list.line('✗', 'login', 'skipped: fix the configuration first');
  else if (!tokenEndpointReachable) list.line('✗', 'login', 'skipped: the token endpoint is not reachable');
  else await checkLogin(context, list);

  if (list.problems.length === 0) {
    context.io.stdout.write('all checks passed\n');
    return 0;
  }
  const names = [...new Set(list.problems)].join(', ');
  context.io.stdout.write(`${list.problems.length} problem(s): ${names}\n`);
  context.io.stderr.write(`apiax: doctor_failed: ${names}\n`);
  return 1;
}

/** Core's own validation (it names the option); sends nothing. */
function checkConfiguration(context: ClientContext, list: Checklist): boolean {
  try {
    createApiaxAuth({ env: context.env });
    list.line('✓', 'configuration', 'valid');
    return true;
  } catch (error) {
    list.line('✗', 'configuration', error instanceof ApiaxAuthError ? error.message : 'could not be read');
    return false;
  }
}

async function checkCache(context: ClientContext, list: Checklist): Promise<void> {
  const cache = createCache(context);
  if (cache === undefined) {
    list.line('·', 'token cache', 'off (--no-cache)');
    return;
  }
  try {
    await cache.get('apiax-auth:doctor-probe');
    list.line('✓', 'token cache', `${cache.directory} (mode 700, files 600${cache.encrypted ? ', encrypted' : ''})`);
  } catch (error) {
    list.line('✗', 'token cache', (error as Error).message);
  }
}
