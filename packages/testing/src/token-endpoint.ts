import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeContext } from './context.js';
import { faultAnswer } from './faults.js';
import { parseForm, type FormParameters } from './form.js';
import { runGrant } from './grants.js';
import { delay, readBody, sendJson, sendRaw } from './http.js';
import { NO_STORE, sendKeycloakError } from './keycloak-errors.js';

/**
 * `POST {issuer}/protocol/openid-connect/token`: the password and refresh_token grants, with injected faults and
 * the configured latency applied first.
 */
export async function handleTokenRequest(context: FakeContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const form = parseForm(request, await readBody(request));
  const grantType = form.get('grant_type');
  const username = grantType === 'password' ? form.get('username') : undefined;
  context.counters.tokenRequests += 1;

  const fault = context.faults.take();
  if (fault?.type === 'delay') await delay(fault.ms, context.timers);
  if (fault?.type === 'drop' && !fault.afterProcessing) return dropConnection(context, request, { grantType, username });

  const inFlightSession = grantType === 'refresh_token' ? trackRefreshInFlight(context, form) : undefined;
  try {
    // Even with no configured latency, yield once so that concurrent requests genuinely overlap.
    await delay(context.tokenLatencyMs, context.timers);
    if (fault?.type === 'html' || fault?.type === 'server-error') {
      const answer = faultAnswer(fault);
      context.log({
        endpoint: 'token',
        grantType,
        username,
        status: answer.status,
        error: fault.type === 'server-error' ? 'unknown_error' : undefined,
      });
      sendRaw(response, answer.status, answer.body, { 'content-type': answer.contentType, ...NO_STORE });
      return;
    }
    const outcome = await runGrant(context, form, grantType);
    if (fault?.type === 'drop') return dropConnection(context, request, { grantType, username: outcome.username ?? username });
    if ('error' in outcome) {
      context.log({
        endpoint: 'token',
        grantType,
        username: outcome.username ?? username,
        status: outcome.error.status,
        error: outcome.error.error,
      });
      sendKeycloakError(response, outcome.error);
      return;
    }
    context.log({ endpoint: 'token', grantType, username: outcome.username ?? username, status: 200 });
    sendJson(response, 200, outcome.body, NO_STORE);
  } finally {
    if (inFlightSession !== undefined) releaseRefreshInFlight(context, inFlightSession);
  }
}

/** Destroys the connection without an answer, logged with status 0. */
function dropConnection(
  context: FakeContext,
  request: IncomingMessage,
  entry: { grantType: string | undefined; username: string | undefined },
): void {
  context.log({ endpoint: 'token', ...entry, status: 0 });
  request.socket.destroy();
}

/** Counts a refresh grant as in flight for its session, to measure how many race each other. */
function trackRefreshInFlight(context: FakeContext, form: FormParameters): string | undefined {
  const refreshToken = form.get('refresh_token');
  const sessionId = refreshToken ? context.sessions.sessionOfRefreshToken(refreshToken)?.session?.id : undefined;
  if (sessionId === undefined) return undefined;
  const inFlight = (context.refreshesInFlight.get(sessionId) ?? 0) + 1;
  context.refreshesInFlight.set(sessionId, inFlight);
  context.counters.maxConcurrentRefreshes = Math.max(context.counters.maxConcurrentRefreshes, inFlight);
  return sessionId;
}

function releaseRefreshInFlight(context: FakeContext, sessionId: string): void {
  const inFlight = (context.refreshesInFlight.get(sessionId) ?? 1) - 1;
  if (inFlight <= 0) context.refreshesInFlight.delete(sessionId);
  else context.refreshesInFlight.set(sessionId, inFlight);
}
