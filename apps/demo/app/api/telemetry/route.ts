import { connection } from 'next/server.js';
import { recentGrantSpans } from '../../../lib/telemetry.js';

/** The last spans apiax-auth emitted in the Next.js server process (names, durations, attributes; never a token). */
export async function GET(): Promise<Response> {
  await connection();
  return Response.json({ spans: recentGrantSpans() }, { headers: { 'cache-control': 'no-store' } });
}
