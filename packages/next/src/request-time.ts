import { connection } from 'next/server.js';

/** `process.env.NEXT_PHASE` while `next build` runs (`PHASE_PRODUCTION_BUILD` in `next/constants`). */
const PRODUCTION_BUILD_PHASE = 'phase-production-build';

/**
 * Waits for a real request before anything talks to Apiax.
 *
 * Inside Next.js, `connection()` marks the route as dynamic: during prerendering it never resolves
 * (or throws Next's own bail-out error, which must propagate), so `next build` sends no token
 * request and no response with account data lands in a static page. Outside any request (a script,
 * `instrumentation.ts`, a test) there is nothing to opt out of, except during `next build` itself,
 * where module-level calls would run at build time.
 */
export async function requireRequestTime(): Promise<void> {
  try {
    await connection();
  } catch (error) {
    if (!isOutsideRequestScope(error)) throw error;
    if (process.env.NEXT_PHASE === PRODUCTION_BUILD_PHASE) {
      throw new Error(
        '@apiax-auth/next: an Apiax call was made during `next build`, outside a request. ' +
          'Apiax is called at request time only: call `apiax` from a server action, a route handler or a server component.',
        { cause: error },
      );
    }
  }
}

/** Next.js throws this (and only this) when `connection()` is called with no request scope at all. */
function isOutsideRequestScope(error: unknown): boolean {
  return error instanceof Error && error.message.includes('was called outside a request scope');
}
