import { randomUUID } from 'node:crypto';
import { clientRegistry } from '../../src/registry.js';

/** Secrets no output may contain: fresh per run, so a hit cannot be a coincidence. */
export const CANARY_PASSWORD = `canary-password-${randomUUID()}`;
export const CANARY_API_KEY = `canary-api-key-${randomUUID()}`;

/** The rule-engine query of APIAX.md. */
export const EVAL_QUERY = {
  products: [{ productId: 'Custody and Payment Services', familyId: 'Financial Services' }],
  regimes: ['CAN'],
  versionFilter: 'latest',
  attributes: [{ name: 'clientStatus', value: '*(prospect|existingClient)' }],
};

/** `init` of a rule-engine evaluation. */
export function evalRequest(): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(EVAL_QUERY) };
}

/** Closes (and so unregisters) every client the registry holds: each test starts from an empty process. */
export async function closeRegisteredClients(): Promise<void> {
  await Promise.all([...clientRegistry().values()].map((client) => client.close()));
  clientRegistry().clear();
}
