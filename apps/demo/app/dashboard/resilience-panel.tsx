'use client';

import { useState, useTransition } from 'react';
import { endAllSessions, failTokenEndpoint, fastForward } from '../actions.js';
import type { ControlResult, FakeView } from '../../lib/dashboard-types.js';

interface Control {
  id: string;
  label: string;
  explains: string;
  run: () => Promise<ControlResult>;
  danger?: boolean;
}

const CONTROLS: Control[] = [
  {
    id: 'advance-1m',
    label: '+1 min',
    explains: 'Every 60-second access token expires: each client refreshes before it sends one again.',
    run: () => fastForward(60),
  },
  {
    id: 'advance-5m',
    label: '+5 min',
    explains: 'Half a session goes by: the session bars drop, and refreshing does not fill them back.',
    run: () => fastForward(300),
  },
  {
    id: 'end-sessions',
    label: 'End all sessions',
    explains: 'As an admin would: the next call gets a 401, the client logs in again and replays it.',
    run: endAllSessions,
    danger: true,
  },
  {
    id: 'fail-token',
    label: 'Token endpoint 503 ×3',
    explains: 'The next 3 token requests get a 503 HTML page: grants retry with backoff; valid tokens keep serving.',
    run: failTokenEndpoint,
    danger: true,
  },
];

const FAKE_COUNTERS: { key: keyof FakeView; label: string }[] = [
  { key: 'password', label: 'Logins' },
  { key: 'refresh', label: 'Refreshes' },
  { key: 'failedRefreshes', label: 'Refused refreshes' },
  { key: 'apiCalls', label: 'API calls' },
  { key: 'rejectedApiCalls', label: 'Rejected calls' },
  { key: 'activeSessions', label: 'Active sessions' },
];

/** What only the embedded fake allows: moving time, ending sessions, breaking the token endpoint. */
export function ResiliencePanel({ fake, onDone }: { fake: FakeView | null; onDone: () => void }) {
  const [outcome, setOutcome] = useState<ControlResult | null>(null);
  const [pending, startTransition] = useTransition();
  const run = (control: Control): void =>
    startTransition(async () => {
      try {
        setOutcome(await control.run());
      } catch {
        setOutcome({ ok: false, message: 'the dashboard server did not answer' });
      }
      onDone();
    });
  return (
    <section className="card panel" data-testid="resilience">
      <h2>Shake it</h2>
      <p className="muted">The embedded fake Apiax can be pushed around. Watch the cards and the timeline ride through.</p>
      <ul className="controls">
        {CONTROLS.map((control) => (
          <li key={control.id}>
            <button
              type="button"
              className={`button${control.danger ? ' button--danger' : ''}`}
              disabled={pending}
              onClick={() => run(control)}
              data-testid={`control-${control.id}`}
            >
              {control.label}
            </button>
            <span>{control.explains}</span>
          </li>
        ))}
      </ul>
      <p
        className={`outcome${outcome === null ? '' : outcome.ok ? ' outcome--ok' : ' outcome--fail'}`}
        data-testid="control-outcome"
        aria-live="polite"
      >
        {outcome?.message ?? ''}
      </p>
      <h3>Fake Apiax saw</h3>
      <dl className="fake-stats" data-testid="fake-stats">
        {FAKE_COUNTERS.map(({ key, label }) => (
          <div key={key}>
            <dt>{label}</dt>
            <dd data-testid={`fake-${key}`}>{fake === null ? '—' : fake[key]}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
