'use client';

import { useState, useTransition } from 'react';
import type { RuleSummary } from '../lib/rules';
import { evaluateRules } from './actions';

export function EvaluateButton() {
  const [summary, setSummary] = useState<RuleSummary | null>(null);
  const [evaluations, setEvaluations] = useState(0);
  const [pending, startTransition] = useTransition();

  const evaluate = () =>
    startTransition(async () => {
      const next = await evaluateRules('CAN');
      setSummary(next);
      setEvaluations((count) => count + 1);
    });

  return (
    <section>
      <button type="button" data-testid="evaluate" disabled={pending} onClick={evaluate}>
        Evaluate rules
      </button>
      {summary && (
        <output data-testid="result" data-evaluations={evaluations}>
          {summary.ok ? summary.descriptions.join('\n') : `error: ${summary.code}`}
        </output>
      )}
    </section>
  );
}
