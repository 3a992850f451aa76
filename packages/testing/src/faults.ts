import { keycloakErrors } from './keycloak-errors.js';
import type { FakeFault } from './types.js';

/** The answer of a fault that replaces the normal one (a delay only postpones it). */
export interface FaultAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** Faults queued for the next token requests, consumed one per request, in order. */
export class FaultQueue {
  // Runs, not one entry per request: "down for the next 100,000 requests" must cost nothing.
  readonly #runs: { fault: FakeFault; remaining: number }[] = [];

  /** Queues `fault` for the next `count` token requests. Throws a `TypeError` for a malformed fault. */
  add(fault: FakeFault, count = 1): void {
    validateFault(fault);
    if (!Number.isInteger(count) || count < 0) throw new TypeError(`count must be a non-negative integer, got ${count}`);
    if (count > 0) this.#runs.push({ fault, remaining: count });
  }

  /** The fault for the current request, if any. */
  take(): FakeFault | undefined {
    const run = this.#runs[0];
    if (!run) return undefined;
    run.remaining -= 1;
    if (run.remaining === 0) this.#runs.shift();
    return run.fault;
  }

  /** How many token requests are still to fail. */
  get pending(): number {
    return this.#runs.reduce((sum, run) => sum + run.remaining, 0);
  }

  clear(): void {
    this.#runs.length = 0;
  }
}

/** The proxy's HTML page (nginx style), or Keycloak's 500 JSON. */
export function faultAnswer(fault: Extract<FakeFault, { type: 'html' | 'server-error' }>): FaultAnswer {
  if (fault.type === 'server-error') {
    const { status, error, description } = keycloakErrors.unknownError;
    return { status, contentType: 'application/json', body: JSON.stringify({ error, error_description: description }) };
  }
  const title = `${fault.status} ${HTML_REASONS[fault.status]}`;
  return {
    status: fault.status,
    contentType: 'text/html',
    body: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
  };
}

const HTML_REASONS = { 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' } as const;

function validateFault(fault: unknown): asserts fault is FakeFault {
  const candidate = fault as { type?: unknown; status?: unknown; ms?: unknown; afterProcessing?: unknown } | null;
  switch (candidate?.type) {
    case 'html':
      if (candidate.status === 502 || candidate.status === 503 || candidate.status === 504) return;
      throw new TypeError(`fault.status must be 502, 503 or 504, got ${String(candidate.status)}`);
    case 'delay':
      if (typeof candidate.ms === 'number' && Number.isFinite(candidate.ms) && candidate.ms >= 0) return;
      throw new TypeError(`fault.ms must be a non-negative number, got ${String(candidate.ms)}`);
    case 'drop':
      if (candidate.afterProcessing === undefined || typeof candidate.afterProcessing === 'boolean') return;
      throw new TypeError(`fault.afterProcessing must be a boolean, got ${String(candidate.afterProcessing)}`);
    case 'server-error':
      return;
    default:
      throw new TypeError(`fault.type must be 'html', 'server-error', 'delay' or 'drop', got ${String(candidate?.type)}`);
  }
}
