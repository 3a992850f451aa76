import { connection } from 'next/server.js';

/** The orchestrator waits for this before it prints the URL. */
export async function GET(): Promise<Response> {
  await connection();
  return new Response('ok', { headers: { 'cache-control': 'no-store' } });
}
