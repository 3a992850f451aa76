/** The rule-engine query of APIAX.md, for one regime. */
export function evalQuery(regime: string) {
  return {
    products: [{ productId: 'Custody and Payment Services', familyId: 'Financial Services' }],
    regimes: [regime],
    versionFilter: 'latest',
    attributes: [{ name: 'clientStatus', value: '*(prospect|existingClient)' }],
  };
}

export const JSON_HEADERS = { 'content-type': 'application/json' };

/** What the browser may see of an evaluation: rule data only. */
export type RuleSummary = { ok: true; paths: string[]; descriptions: string[] } | { ok: false; code: string };

interface EvalResponse {
  results?: { results?: { path?: string; actions?: { description?: string }[] }[] }[];
}

export function summarize(body: EvalResponse): RuleSummary {
  const inner = (body.results ?? []).flatMap((regime) => regime.results ?? []);
  return {
    ok: true,
    paths: inner.map((result) => result.path ?? ''),
    descriptions: inner.flatMap((result) => (result.actions ?? []).map((action) => action.description ?? '')),
  };
}
