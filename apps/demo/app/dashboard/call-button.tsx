'use client';

import { useState, useTransition } from 'react';
import type { CallResult } from '../../lib/dashboard-types.js';

/** A button that runs a server action calling the rule engine, and the line that shows how it went. */
export function CallButton({
  label,
  run,
  onDone,
  testId,
}: {
  label: string;
  run: () => Promise<CallResult>;
  onDone: () => void;
  testId: string;
}) {
  const [result, setResult] = useState<CallResult | null>(null);
  const [pending, startTransition] = useTransition();
  const click = (): void => {
    setResult(null);
    startTransition(async () => {
      try {
        setResult(await run());
      } catch {
        setResult({ via: 'next', ok: false, status: null, durationMs: 0, summary: 'the dashboard server did not answer', at: Date.now() });
      }
      onDone();
    });
  };
  return (
    <div className="call">
      <button type="button" className="button button--primary" onClick={click} disabled={pending} data-testid={`${testId}-button`}>
        {pending ? 'Calling…' : label}
      </button>
      <p
        className={`call__result${result === null ? '' : result.ok ? ' call__result--ok' : ' call__result--fail'}`}
        data-testid={`${testId}-result`}
        data-at={result?.at}
        aria-live="polite"
      >
        {result === null ? (
          <span className="muted">{pending ? 'waiting for the rule engine…' : 'POST /api/v3/rules/eval'}</span>
        ) : (
          <>
            <span className="call__status">{result.status ?? 'failed'}</span>
            <span className="call__time">{result.durationMs} ms</span>
            <span className="call__summary">{result.summary}</span>
          </>
        )}
      </p>
    </div>
  );
}
