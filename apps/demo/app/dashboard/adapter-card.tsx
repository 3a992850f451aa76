'use client';

import type { AdapterView, CallResult } from '../../lib/dashboard-types.js';
import { ADAPTER_META } from './adapter-meta.js';
import { CallButton } from './call-button.js';
import { CountdownRing } from './countdown-ring.js';
import { SessionBar } from './session-bar.js';

const STATE_LABEL: Record<NonNullable<AdapterView['state']>, string> = {
  'signed-out': 'signed out',
  valid: 'valid',
  refreshing: 'refreshing',
  expired: 'expired',
  failed: 'failed',
};

export interface AdapterCardProps {
  view: AdapterView;
  /** Ms since the view was computed: the countdowns keep moving between polls. */
  elapsedMs: number;
  sessionMaxMs: number;
  accessTokenLifetimeMs: number;
  callLabel: string;
  call: () => Promise<CallResult>;
  onCalled: () => void;
}

/** One adapter: its token's countdown, its session, its grants, and a button that calls through it. */
export function AdapterCard({ view, elapsedMs, sessionMaxMs, accessTokenLifetimeMs, callLabel, call, onCalled }: AdapterCardProps) {
  const meta = ADAPTER_META[view.adapter];
  const id = view.adapter;
  const minus = (ms: number | null): number | null => (ms === null ? null : ms - elapsedMs);
  const state = view.reachable ? (view.state ?? 'signed-out') : null;
  return (
    <article className="card adapter" style={{ ['--accent' as string]: meta.accent }} data-testid={`${id}-card`}>
      <header className="adapter__head">
        <div>
          <h2>{meta.label}</h2>
          <code className="adapter__wiring">{meta.wiring}</code>
        </div>
        <span className={`pill pill--${state ?? 'down'}`} data-testid={`${id}-state`}>
          {state === null ? 'unreachable' : STATE_LABEL[state]}
        </span>
      </header>

      <div className="adapter__body">
        <CountdownRing remainingMs={minus(view.accessTokenRemainingMs)} lifetimeMs={accessTokenLifetimeMs} testId={`${id}-countdown`} />
        <dl className="counters">
          <div>
            <dt>Logins</dt>
            <dd data-testid={`${id}-logins`}>{view.grants.password}</dd>
          </div>
          <div>
            <dt>Refreshes</dt>
            <dd data-testid={`${id}-refreshes`}>{view.grants.refresh}</dd>
          </div>
        </dl>
      </div>

      <SessionBar remainingMs={minus(view.refreshTokenRemainingMs)} sessionMaxMs={sessionMaxMs} testId={`${id}-session`} />

      {view.problem !== null && <p className="adapter__problem">{view.problem}</p>}
      {view.lastError !== null && (
        <p className="adapter__problem" data-testid={`${id}-last-error`}>
          last error <code>{view.lastError.code}</code> {view.lastError.message}
        </p>
      )}

      <CallButton label={callLabel} run={call} onDone={onCalled} testId={`${id}-call`} />
    </article>
  );
}
