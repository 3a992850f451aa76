'use client';

import { useState } from 'react';
import { callViaExpress, callViaNest, evaluateRules } from '../actions.js';
import type { AdapterName, CallResult, DashboardData } from '../../lib/dashboard-types.js';
import { formatDuration } from '../../src/shared/format-duration.js';
import { AdapterCard } from './adapter-card.js';
import { FleetCard } from './fleet-card.js';
import { ResiliencePanel } from './resilience-panel.js';
import { TelemetryPanel } from './telemetry-panel.js';
import { Timeline } from './timeline.js';
import { useNow } from './use-now.js';
import { usePolledDashboard } from './use-polled-dashboard.js';

const CALLS: Record<AdapterName, { label: string; run: () => Promise<CallResult> }> = {
  express: { label: 'Call via Express', run: callViaExpress },
  nest: { label: 'Call via Nest', run: callViaNest },
  next: { label: 'Evaluate rules', run: evaluateRules },
};

/** The live token dashboard: polls the three apps' status every second, never a token. */
export function Dashboard({ initial }: { initial: DashboardData }) {
  // One start time for both clocks: the first client render matches the server's (no hydration drift).
  const [startedAt] = useState(() => Date.now());
  const { data, receivedAt, online, refresh } = usePolledDashboard(initial, startedAt);
  const now = useNow(startedAt);
  const elapsedMs = Math.max(0, now - receivedAt);
  return (
    <main className="page">
      <header className="top">
        <div>
          <h1>
            apiax-auth <span className="muted">· live token dashboard</span>
          </h1>
          <p className="muted">
            Three apps, three adapters, one rule engine. Tokens stay on the servers; this page only sees their status.
          </p>
        </div>
        <div className="top__badges">
          <span className={`badge badge--${data.mode}`} data-testid="mode">
            {data.mode === 'fake' ? 'Embedded fake Apiax' : 'Real Apiax'}
          </span>
          <span className="badge badge--plain" title="The rule engine every call goes to">
            {data.apiOrigin}
          </span>
          {data.mode === 'fake' && (
            <span className="badge badge--plain" title="Short on purpose: refreshes and session ends show within minutes">
              {Math.round(data.accessTokenLifetimeMs / 1000)} s tokens · {Math.round(data.sessionMaxMs / 60_000)} min sessions
            </span>
          )}
          {data.clockOffsetMs > 0 && (
            <span className="badge badge--clock" data-testid="clock-offset">
              clock +{formatDuration(data.clockOffsetMs)}
            </span>
          )}
          {!online && <span className="badge badge--offline">dashboard offline</span>}
        </div>
      </header>

      <section className="adapters">
        {data.adapters.map((view) => (
          <AdapterCard
            key={view.adapter}
            view={view}
            elapsedMs={elapsedMs}
            sessionMaxMs={data.sessionMaxMs}
            accessTokenLifetimeMs={data.accessTokenLifetimeMs}
            callLabel={CALLS[view.adapter].label}
            call={CALLS[view.adapter].run}
            onCalled={refresh}
          />
        ))}
      </section>

      <FleetCard fleet={data.fleet} elapsedMs={elapsedMs} onBurst={refresh} />

      <div className={`lower${data.mode === 'fake' ? '' : ' lower--single'}`}>
        {data.mode === 'fake' && <ResiliencePanel fake={data.fake} onDone={refresh} />}
        <Timeline events={data.events} />
      </div>
      <TelemetryPanel />
    </main>
  );
}
