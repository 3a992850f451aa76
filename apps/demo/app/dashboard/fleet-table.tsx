import type { FleetInstanceView, FleetTokenSource } from '../../lib/dashboard-types-fleet.js';
import { formatClock } from './format.js';

const SOURCE_LABEL: Record<FleetTokenSource, string> = {
  login: 'logged in',
  refresh: 'refreshed',
  adopted: 'adopted',
};

/**
 * One row per instance: its process, what its client holds, and who sent the grants. Equal fingerprints
 * are one token: the instances that did not send a grant took it from Redis.
 */
export function FleetTable({ instances, elapsedMs }: { instances: FleetInstanceView[]; elapsedMs: number }) {
  return (
    <table className="fleet__table">
      <thead>
        <tr>
          <th>Instance</th>
          <th>pid</th>
          <th>State</th>
          <th>Token</th>
          <th>Last</th>
          <th className="num">Logins</th>
          <th className="num">Refreshes</th>
          <th className="num">Adopted</th>
          <th className="num">Calls</th>
        </tr>
      </thead>
      <tbody>
        {instances.map((row) => {
          const id = `fleet-${row.instance}`;
          const remaining = row.accessTokenRemainingMs === null ? null : row.accessTokenRemainingMs - elapsedMs;
          return (
            <tr key={row.instance} data-testid="fleet-instance" data-instance={row.instance}>
              <td>#{row.instance}</td>
              <td className="mono" data-testid={`${id}-pid`}>
                {row.pid ?? '—'}
              </td>
              <td>
                <span className={`pill pill--${row.reachable ? (row.state ?? 'signed-out') : 'down'}`} data-testid={`${id}-state`}>
                  {row.reachable ? (row.state ?? 'signed-out').replace('-', ' ') : 'unreachable'}
                </span>
                {row.store === 'degraded' && <span className="fleet__degraded"> store unreachable</span>}
              </td>
              <td className="mono" data-testid={`${id}-fingerprint`} title="SHA-256 of the access token, first 8 hex digits">
                {row.tokenFingerprint ?? '—'}
                {remaining !== null && <span className="muted"> · {formatClock(remaining)}</span>}
              </td>
              <td data-testid={`${id}-last`}>{row.lastSource === null ? '—' : SOURCE_LABEL[row.lastSource]}</td>
              <td className="num mono" data-testid={`${id}-logins`}>
                {row.grants.password}
              </td>
              <td className="num mono" data-testid={`${id}-refreshes`}>
                {row.grants.refresh}
              </td>
              <td className="num mono" data-testid={`${id}-adopted`}>
                {row.adopted}
              </td>
              <td className="num mono" data-testid={`${id}-calls`}>
                {row.calls.ok}
                {row.calls.failed > 0 && <span className="fleet__failed"> +{row.calls.failed} failed</span>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
