'use client';

import { useEffect, useState } from 'react';

/** `Date.now()`, re-rendering every `intervalMs`: countdowns move smoothly between polls. */
export function useNow(initial: number, intervalMs = 250): number {
  const [now, setNow] = useState(initial);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
