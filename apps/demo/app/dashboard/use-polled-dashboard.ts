'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { DashboardData } from '../../lib/dashboard-types.js';

const POLL_INTERVAL_MS = 1_000;

export interface PolledDashboard {
  data: DashboardData;
  /** `Date.now()` when `data` arrived: countdowns subtract the time since. */
  receivedAt: number;
  /** `false` while the Next server does not answer (the demo was stopped). */
  online: boolean;
  /** Polls now instead of at the next tick: after a button, the counters move at once. */
  refresh: () => void;
}

/** `/api/dashboard` every second, one request at a time (a slow answer delays the next poll, never piles up). */
export function usePolledDashboard(initial: DashboardData, initialReceivedAt: number): PolledDashboard {
  const [state, setState] = useState({ data: initial, receivedAt: initialReceivedAt, online: true });
  const pollNow = useRef<() => void>(() => {});

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    const poll = async (): Promise<void> => {
      if (inFlight) return;
      inFlight = true;
      clearTimeout(timer);
      try {
        const response = await fetch('/api/dashboard', { cache: 'no-store' });
        if (!response.ok) throw new Error(String(response.status));
        const data = (await response.json()) as DashboardData;
        if (!stopped) setState({ data, receivedAt: Date.now(), online: true });
      } catch {
        if (!stopped) setState((previous) => ({ ...previous, online: false }));
      } finally {
        inFlight = false;
        if (!stopped) timer = setTimeout(() => void poll(), POLL_INTERVAL_MS);
      }
    };
    pollNow.current = () => void poll();
    timer = setTimeout(() => void poll(), POLL_INTERVAL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  const refresh = useCallback(() => pollNow.current(), []);
  return { ...state, refresh };
}
