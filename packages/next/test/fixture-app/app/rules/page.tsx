import { apiax } from '../../lib/apiax';
import { JSON_HEADERS } from '../../lib/rules';

interface InspectResponse {
  ruleSets?: { id: string; version: string; country: string }[];
}

// A server component calling Apiax: `apiax` waits for a request, so `next build` never prerenders this.
export default async function RulesPage() {
  const response = await apiax.fetch('/api/v3/rules/inspect', {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify({
      config: { debug: true, correlationId: 'fixture', withConcepts: true, analyzeActions: true },
      products: [],
      versionFilter: 'latest',
      regimes: ['CHE', 'CAN'],
    }),
  });
  const { ruleSets = [] } = (await response.json()) as InspectResponse;
  return (
    <main>
      <h1>Rule sets</h1>
      <ul data-testid="rule-sets">
        {ruleSets.map((ruleSet) => (
          <li key={ruleSet.id}>
            {ruleSet.country} {ruleSet.id} v{ruleSet.version}
          </li>
        ))}
      </ul>
    </main>
  );
}
