import { formatClock } from './format.js';

const RADIUS = 52;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;

/** The access token's remaining life: a ring that empties, and the time left in its middle. */
export function CountdownRing({ remainingMs, lifetimeMs, testId }: { remainingMs: number | null; lifetimeMs: number; testId: string }) {
  const fraction = remainingMs === null ? 0 : Math.min(1, Math.max(0, remainingMs / lifetimeMs));
  const tone = remainingMs === null ? 'none' : remainingMs <= 0 ? 'dead' : fraction < 0.25 ? 'low' : 'good';
  return (
    <div
      className={`ring ring--${tone}`}
      role="img"
      aria-label={remainingMs === null ? 'no access token' : `access token: ${formatClock(remainingMs)} left`}
    >
      <svg viewBox="0 0 120 120" aria-hidden="true">
        <circle className="ring__track" cx="60" cy="60" r={RADIUS} />
        <circle
          className="ring__value"
          cx="60"
          cy="60"
          r={RADIUS}
          strokeDasharray={CIRCUMFERENCE}
          strokeDashoffset={CIRCUMFERENCE * (1 - fraction)}
        />
      </svg>
      <div className="ring__label">
        <strong data-testid={testId}>{remainingMs === null ? '—' : formatClock(remainingMs)}</strong>
        <span>access token</span>
      </div>
    </div>
  );
}
