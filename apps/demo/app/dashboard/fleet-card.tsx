'use client';

import { useState, useTransition } from 'react';
import { burstFleet } from '../actions.js';
import type { FleetBurstResult, FleetView } from '../../lib/dashboard-types-fleet.js';
import { FleetAbsent } from './fleet-absent.js';
import { FleetTable } from './fleet-table.js';

/** Calls per instance of one burst (lib/fleet-burst.ts): said on the button. */
const CALLS_PER_INSTANCE = 10;

/**
 * The fleet: several instances of one app, each with its own client, sharing one Redis store. The card
 * shows who logged in, who refreshed and who only adopted, the one token they share (by fingerprint), and
 * what the fake saw for their account: one login for the whole fleet.
 */
export function FleetCard({ fleet, elapsedMs, onBurst }: { fleet: FleetView; elapsedMs: number; onBurst: () => void }) {
  const [result, setResult] = useState<FleetBurstResult | null>(null);
  const [pending, startTransition] = useTransition();
  if (!fleet.running) return <FleetAbsent absence={fleet.absence} />;

  const size = fleet.instances.length;
  const holders = fleet.instances.filter((instance) => instance.tokenFingerprint !== null).length;
  const burst = (): void => {
    setResult(null);
    startTransition(async () => {
      try {
        setResult(await burstFleet());
      } catch {
        setResult({ ok: false, message: 'the dashboard server did not answer', at: Date.now() });
      }
      onBurst();
    });
  };
  return (
    <section className="card panel fleet" data-testid="fleet-card">
      <header className="fleet__head">
        <div>
          <h2>
            Fleet <span className="muted">· {size} instances, one Redis store</span>
          </h2>
          <code className="adapter__wiring">
            createApiaxAuth(&#123; store: new RedisTokenStore(&#123; url, encryptionKey &#125;) &#125;)
          </code>
        </div>
        <span
          className={`pill fleet__shared pill--${fleet.sharedFingerprint === null ? 'signed-out' : 'valid'}`}
          data-testid="fleet-shared"
        >
          {fleet.sharedFingerprint !== null
            ? `one token: ${fleet.sharedFingerprint}`
            : holders === 0
              ? 'no token yet'
              : `${new Set(fleet.instances.map((instance) => instance.tokenFingerprint)).size} tokens`}
        </span>
      </header>
      <p className="muted">
        Each instance is its own process with its own client; they share the account and the store. The first to need a token logs in, the
        others adopt it from Redis; each renewal is done once, by whichever needs it first.
      </p>

      <FleetTable instances={fleet.instances} elapsedMs={elapsedMs} />

      <div className="fleet__lower">
        <div>
          <h3>Fake Apiax saw for the fleet&rsquo;s account</h3>
          <dl className="fake-stats">
            <div>
              <dt>Logins</dt>
              <dd data-testid="fleet-account-logins">{fleet.account?.logins ?? '—'}</dd>
            </div>
            <div>
              <dt>Refreshes</dt>
              <dd data-testid="fleet-account-refreshes">{fleet.account?.refreshes ?? '—'}</dd>
            </div>
            <div>
              <dt>API calls</dt>
              <dd data-testid="fleet-account-apiCalls">{fleet.account?.apiCalls ?? '—'}</dd>
            </div>
          </dl>
        </div>
        <div className="call fleet__burst">
          <button type="button" className="button button--primary" onClick={burst} disabled={pending} data-testid="fleet-burst-button">
            {pending ? 'Calling…' : `Burst: ${CALLS_PER_INSTANCE * size} calls across ${size} instances`}
          </button>
          <p
            className={`call__result${result === null ? '' : result.ok ? ' call__result--ok' : ' call__result--fail'}`}
            data-testid="fleet-burst-result"
            data-at={result?.at}
            aria-live="polite"
          >
            {result === null ? (
              <span className="muted">
                {pending ? 'waiting for the instances…' : `${CALLS_PER_INSTANCE} calls to each instance, all at once`}
              </span>
            ) : (
              <span className="call__summary">{result.message}</span>
            )}
          </p>
        </div>
      </div>
    </section>
  );
}
