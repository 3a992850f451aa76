import { connection } from 'next/server.js';
import { Dashboard } from './dashboard/dashboard.js';
import { loadDashboard } from '../lib/dashboard-data.js';

/** Rendered per request with the current status, so the first paint is already live. */
export default async function Page() {
  await connection();
  return <Dashboard initial={await loadDashboard()} />;
}
