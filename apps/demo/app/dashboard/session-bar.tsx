import { formatDuration } from '../../src/shared/format-duration.js';

/**
 * The refresh token's remaining share of the session max (14 days on the real Apiax). Refreshing never
 * extends it: only a new login fills the bar again.
 */
export function SessionBar({ remainingMs, sessionMaxMs, testId }: { remainingMs: number | null; sessionMaxMs: number; testId: string }) {
  const share = remainingMs === null ? null : Math.min(1, Math.max(0, remainingMs / sessionMaxMs));
  return (
    <div className="session">
      <div className="session__legend">
        <span>Session · refresh token</span>
        <span data-testid={testId}>
          {share === null ? 'no session' : `${formatDuration(remainingMs ?? 0)} left · ${Math.round(share * 100)}%`}
        </span>
      </div>
      <div
        className="session__track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={share === null ? 0 : Math.round(share * 100)}
      >
        <div
          className={`session__fill${share !== null && share < 0.2 ? ' session__fill--low' : ''}`}
          style={{ width: `${(share ?? 0) * 100}%` }}
        />
      </div>
      <p className="session__scale">of {formatDuration(sessionMaxMs)}, counted from the login</p>
    </div>
  );
}
