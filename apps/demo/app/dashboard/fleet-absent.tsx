import type { FleetAbsence } from '../../lib/dashboard-types-fleet.js';

/** Why there is no fleet, and what to do to see one. */
function Hint({ absence }: { absence: FleetAbsence }) {
  switch (absence) {
    case 'no-redis-server':
      return (
        <>
          No <code>redis-server</code> on this machine, so no fleet. Install one (<code>apt-get install redis-server</code>, or{' '}
          <code>brew install redis</code>), then run <code>pnpm demo</code> again.
        </>
      );
    case 'disabled':
      return (
        <>
          The fleet is off (<code>DEMO_FLEET=off</code>). Run <code>pnpm demo</code> without it to start one.
        </>
      );
    case 'start-failed':
      return (
        <>
          The fleet could not start: the terminal running <code>pnpm demo</code> says why (with <code>DEMO_VERBOSE=1</code>,
          redis-server&rsquo;s own output too). The rest of the demo runs without it.
        </>
      );
    case 'real-apiax':
      return (
        <>
          The fleet runs on the embedded fake only, with an account of its own. Run <code>pnpm demo</code> without{' '}
          <code>APIAX_USERNAME</code>/<code>APIAX_PASSWORD</code> to see it.
        </>
      );
  }
}

/** The fleet card when no fleet runs: what it would show, and how to get it. */
export function FleetAbsent({ absence }: { absence: FleetAbsence }) {
  return (
    <section className="card panel fleet fleet--absent" data-testid="fleet-card" data-absence={absence}>
      <h2>Fleet</h2>
      <p className="muted">
        Four instances of one app sharing a Redis store (<code>@apiax-auth/redis</code>) would show here: one login and one refresh per
        token lifetime for all of them, instead of one per instance.
      </p>
      <p className="fleet__hint" data-testid="fleet-hint">
        <Hint absence={absence} />
      </p>
    </section>
  );
}
