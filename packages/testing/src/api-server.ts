import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeContext } from './context.js';
import { BodyTooLargeError, readBody, sendJson } from './http.js';
import { verifyAccessToken } from './keys.js';
import { evaluateRules, inspectRules } from './rule-engine.js';

const ROUTES: Record<string, (body: Record<string, unknown>) => Record<string, unknown>> = {
  '/api/v3/rules/eval': evaluateRules,
  '/api/v3/rules/inspect': inspectRules,
};

/** What the bearer check found: the caller, or why the token is refused. */
type BearerCheck = { ok: true; username?: string } | { ok: false; reason: string; username?: string };

interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  username?: string;
}

/**
 * The API origin: the rule engine as a resource server. The bearer token must be signed by the realm, unexpired
 * by the fake's clock, not revoked, and its session alive (else 401 `invalid_token`); then the `Apikey` must be
 * one of `apiKeys` when they are configured (else 403).
 */
export async function handleApiRequest(context: FakeContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  context.counters.apiCalls += 1;
  const outcome = await answerApiRequest(context, request);
  if (outcome.status === 401 || outcome.status === 403) context.counters.rejectedApiCalls += 1;
  const error = outcome.status >= 400 && typeof outcome.body.error === 'string' ? outcome.body.error : undefined;
  context.log({ endpoint: 'api', username: outcome.username, status: outcome.status, error });
  sendJson(response, outcome.status, outcome.body, outcome.headers);
}

async function answerApiRequest(context: FakeContext, request: IncomingMessage): Promise<ApiAnswer> {
  const path = new URL(request.url ?? '/', 'http://fake').pathname;
  const route = ROUTES[path];
  if (!route) return { status: 404, body: { error: 'not_found', message: `No route for ${request.method} ${path}` } };
  if (request.method !== 'POST') {
    return { status: 405, body: { error: 'method_not_allowed', message: 'Use POST' }, headers: { allow: 'POST' } };
  }

  const bearer = await checkBearer(context, request.headers.authorization);
  const { username } = bearer;
  if (!bearer.ok) {
    return {
      status: 401,
      body: { error: 'invalid_token', message: bearer.reason },
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      username,
    };
  }
  const apiKey = request.headers.apikey;
  if (context.apiKeys && (typeof apiKey !== 'string' || !context.apiKeys.includes(apiKey))) {
    const message = apiKey === undefined ? 'Missing Apikey header' : 'Unknown API key';
    return { status: 403, body: { error: 'forbidden', message }, username };
  }

  let body: unknown;
  try {
    body = JSON.parse(await readBody(request));
  } catch (cause) {
    if (cause instanceof BodyTooLargeError) throw cause;
    body = undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { status: 400, body: { error: 'bad_request', message: 'The body must be a JSON object' }, username };
  }
  return { status: 200, body: route(body as Record<string, unknown>), username };
}

async function checkBearer(context: FakeContext, authorization: string | undefined): Promise<BearerCheck> {
  const match = /^Bearer +(\S+)$/i.exec(authorization ?? '');
  if (!match) return { ok: false, reason: 'Missing bearer token' };
  const now = context.clock.now();
  const verified = await verifyAccessToken(context.keys, match[1]!, context.issuer, now);
  if ('reason' in verified) return { ok: false, reason: verified.reason };
  const { claims } = verified;
  const username = typeof claims.preferred_username === 'string' ? claims.preferred_username : undefined;
  if (typeof claims.jti === 'string' && context.revokedAccessTokens.has(claims.jti)) {
    return { ok: false, reason: 'Token revoked', username };
  }
  const session = context.sessions.get(String(claims.sid));
  if (!session || !context.sessions.isActive(session, now)) return { ok: false, reason: 'Session not active', username };
  return { ok: true, username };
}
