/** The rule-engine query every "call" button sends (the example of Apiax's documentation). */
export const RULES_EVAL_PATH = '/api/v3/rules/eval';
export const RULES_INSPECT_PATH = '/api/v3/rules/inspect';

export const RULES_EVAL_QUERY = {
  products: [{ productId: 'Custody and Payment Services', familyId: 'Financial Services' }],
  regimes: ['CAN'],
  versionFilter: 'latest',
  attributes: [{ name: 'clientStatus', value: '*(prospect|existingClient)' }],
} as const;

export function rulesInspectQuery(correlationId: string): Record<string, unknown> {
  return {
    config: { debug: true, correlationId, withConcepts: true, analyzeActions: true },
    products: [],
    versionFilter: 'latest',
    regimes: [],
  };
}

/** A one-line reading of an eval answer: `$.results[*].results[*].actions`, counted and named. */
export function summarizeEvaluation(body: unknown): string {
  const actions = collectActions(body);
  if (actions === null) return 'answer without results';
  if (actions.length === 0) return 'no action required';
  const names = [...new Set(actions.map(nameOfAction))].slice(0, 3).join(', ');
  return `${actions.length} action${actions.length === 1 ? '' : 's'}: ${names}${actions.length > 3 ? '…' : ''}`;
}

function collectActions(body: unknown): unknown[] | null {
  if (!isRecord(body) || !Array.isArray(body.results)) return null;
  const actions: unknown[] = [];
  for (const result of body.results) {
    if (!isRecord(result) || !Array.isArray(result.results)) continue;
    for (const inner of result.results) {
      if (isRecord(inner) && Array.isArray(inner.actions)) actions.push(...(inner.actions as unknown[]));
    }
  }
  return actions;
}

function nameOfAction(action: unknown): string {
  if (typeof action === 'string') return action;
  if (isRecord(action)) {
    for (const key of ['name', 'type', 'id', 'action', 'label']) {
      const value = action[key];
      if (typeof value === 'string' && value.length > 0) return value;
    }
  }
  return 'action';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
