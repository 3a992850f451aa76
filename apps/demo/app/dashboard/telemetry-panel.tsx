'use client';

import { useEffect, useState } from 'react';
import type { GrantSpanView } from '../../lib/dashboard-types-telemetry.js';
import { formatTimeOfDay } from './format.js';

const POLL_MS = 2_000;

/**
 * The spans apiax-auth emitted in the Next.js app's process (an OpenTelemetry SDK registered in
 * instrumentation.ts): what an observability stack would receive for each token request.
 */
export function TelemetryPanel() {
  const [spans, setSpans] = useState<GrantSpanView[]>([]);
  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      try {
        const response = await fetch('/api/telemetry', { cache: 'no-store' });
        if (response.ok && !stopped) setSpans(((await response.json()) as { spans: GrantSpanView[] }).spans);
      } catch {
        // The next poll tries again.
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  return (
    <section className="card panel telemetry" data-testid="telemetry-panel">
      <h2>OpenTelemetry spans (Next.js app)</h2>
      {spans.length === 0 ? (
        <p className="muted">No token request yet in this process: press &ldquo;Evaluate rules&rdquo;.</p>
      ) : (
        <ol>
          {spans.map((span) => (
            <li
              key={`${span.traceId}-${span.startedAt}-${span.name}`}
              data-testid="telemetry-span"
              className={span.failed ? 'event event--error' : 'event'}
            >
              <time dateTime={new Date(span.startedAt).toISOString()} suppressHydrationWarning>
                {formatTimeOfDay(span.startedAt)}
              </time>
              <span>{span.durationMs.toFixed(1)} ms</span>
              <div>
                <strong>{span.name}</strong>
                <span className="event__detail">
                  {span.parent === null ? 'own trace (background) · ' : 'child of the request span · '}
                  {Object.entries(span.attributes)
                    .map(([key, value]) => `${key}=${value}`)
                    .join(' ')}
                </span>
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
