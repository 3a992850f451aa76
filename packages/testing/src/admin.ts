import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './http.js';
import type { FakeApiax, FakeFault } from './types.js';

/** Path prefix of the admin endpoints on the auth origin. */
export const ADMIN_PREFIX = '/__fake/';

type AdminAction = (fake: FakeApiax, body: Record<string, unknown>) => Record<string, unknown>;

const POST_ACTIONS: Record<string, AdminAction> = {
  advance: (fake, body) => {
    fake.advance(requireNumber(body.seconds, 'seconds'));
    return { now: fake.now() };
  },
  'end-sessions': (fake) => {
    const before = fake.stats.activeSessions;
    fake.endAllSessions();
    return { ended: before };
  },
  revoke: (fake, body) => {
    fake.revokeSessions(requireString(body.username, 'username'));
    return {};
  },
  unlock: (fake, body) => {
    fake.unlock(requireString(body.username, 'username'));
    return {};
  },
  fail: (fake, body) => {
    const count = body.count === undefined ? 1 : requireNumber(body.count, 'count');
    fake.fail(body.fault as FakeFault, count);
    return { queued: count };
  },
  'clear-faults': (fake) => {
    fake.clearFaults();
    return {};
  },
  'reset-stats': (fake) => {
    fake.resetStats();
    return {};
  },
};

/**
 * The admin endpoints, for other processes (the demo, fleet tests) to drive a fake they did not start:
 * `GET /__fake/stats` and `POST /__fake/{advance,end-sessions,revoke,unlock,fail,clear-faults,reset-stats}` with JSON bodies.
 * Every answer is JSON; a bad body is 400 `{ error: 'invalid_request', message }`.
 */
export async function handleAdminRequest(fake: FakeApiax, request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
  const name = path.slice(ADMIN_PREFIX.length);
  if (name === 'stats') {
    if (request.method !== 'GET') return sendJson(response, 405, { error: 'method_not_allowed' }, { allow: 'GET' });
    return sendJson(response, 200, { ...fake.stats, now: fake.now(), requests: fake.requests });
  }
  const action = POST_ACTIONS[name];
  if (!action) return sendJson(response, 404, { error: 'not_found', message: `No admin action ${name}` });
  if (request.method !== 'POST') return sendJson(response, 405, { error: 'method_not_allowed' }, { allow: 'POST' });
  const body = parseJsonObject(await readBody(request));
  if (body === undefined) return sendJson(response, 400, { error: 'invalid_request', message: 'body must be a JSON object' });
  try {
    sendJson(response, 200, action(fake, body));
  } catch (cause) {
    sendJson(response, 400, { error: 'invalid_request', message: (cause as Error).message });
  }
}

/** The body as a JSON object (empty: `{}`), or `undefined`. The parser's own message is not echoed: it quotes the body. */
function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return {};
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function requireNumber(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${name} must be a number`);
  return value;
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`);
  return value;
}
