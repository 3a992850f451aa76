import { ApiaxAuthError } from '@apiax-auth/core';
import { createClient, type ClientContext } from '../client.js';
import type { Checklist } from './checklist.js';

/**
 * At most one login attempt, never retried. Through the cache (the default), a valid cached session is used
 * and the password is not sent, and a login cooldown recorded there is honoured; with `--no-cache` the
 * password is sent exactly once and the session it opens is ended (logout) afterwards.
 */
export async function checkLogin(context: ClientContext, list: Checklist): Promise<void> {
  list.line('·', 'login', 'one attempt, lockout-safe: a rejected login is not retried (Keycloak counts every failure)');
  let client;
  try {
    client = createClient(context, { maxRetries: 0 });
  } catch (error) {
    list.line('✗', 'configuration', error instanceof ApiaxAuthError ? error.message : 'could not be read');
    return;
  }
  const { auth } = client;
  try {
    await auth.getAccessToken();
    const { grants } = auth.status();
    if (grants.password > 0) list.line('✓', 'login', 'the credentials were accepted (one password grant)');
    else if (grants.refresh > 0)
      list.line('✓', 'login', 'the cached session was refreshed; the password was not sent (apiax doctor --no-cache sends it once)');
    else list.line('✓', 'login', 'a cached session is valid; the password was not sent (apiax doctor --no-cache sends it once)');
  } catch (error) {
    const code = error instanceof ApiaxAuthError ? error.code : 'internal_error';
    const message = error instanceof ApiaxAuthError ? error.message : 'unexpected failure';
    list.line('✗', 'login', `${code}: ${message.replace(/\.$/, '')}. ${adviceFor(code)}`);
  } finally {
    await auth.close({ logout: context.noCache });
  }
}

function adviceFor(code: string): string {
  switch (code) {
    case 'invalid_credentials':
      return 'Check APIAX_USERNAME and APIAX_PASSWORD; after several failures Keycloak locks the account for a while.';
    case 'account_disabled':
    case 'account_not_set_up':
      return 'An Apiax administrator has to act on the account.';
    case 'client_rejected':
      return 'Check APIAX_CLIENT_ID (or, for 2FA, APIAX_ASSERTION_SUBJECT) with Apiax support.';
    case 'assertion_rejected':
      return 'Apiax refused the 2FA assertion: check the key pair registered with Apiax support, the subject, and the clock.';
    default:
      return 'See the network checks above; try again later.';
  }
}
