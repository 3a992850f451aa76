import { connection } from 'next/server.js';
import { loadDashboard } from '../../../lib/dashboard-data.js';

/** Polled every second by the dashboard: the three clients' status and timelines, never a token. */
export async function GET(): Promise<Response> {
  await connection();
  return Response.json(await loadDashboard(), { headers: { 'cache-control': 'no-store' } });
}
