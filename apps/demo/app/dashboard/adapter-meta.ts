import type { AdapterName } from '../../lib/dashboard-types.js';

/** How each card introduces its adapter: the name, and the one line of code that wires it. */
export const ADAPTER_META: Record<AdapterName, { label: string; wiring: string; accent: string }> = {
  express: { label: 'Express', wiring: 'app.use(apiaxAuth()) → req.apiax.fetch', accent: 'var(--express)' },
  nest: { label: 'NestJS', wiring: 'ApiaxAuthModule.forRoot() → inject ApiaxAuth', accent: 'var(--nest)' },
  next: { label: 'Next.js', wiring: 'createApiaxNext() → apiax.fetch in a server action', accent: 'var(--next)' },
};
