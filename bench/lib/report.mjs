/** The readable side of results.json: Markdown tables, one per scenario. */
const row = (cells) => `| ${cells.join(' | ')} |`;
const table = (head, rows) => [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
const spread = ({ median, min, max }, digits = 2) => `${median.toFixed(digits)} (${min.toFixed(digits)}–${max.toFixed(digits)})`;

export function markdownReport(results) {
  const { storm, fourteenDays, faults, overhead, fleet, fleetScale = [], packages, meta } = results;
  const parts = [`_${meta.mode} run, ${meta.date}, Node ${meta.node}, ${meta.cpus} cores. Counts come from the fake's own counters._`];

  if (storm.length) parts.push('### 1. Storm: concurrent calls at cold start and at expiry');
  if (storm.length)
    parts.push(
      table(
        ['client', 'calls', 'token requests at cold start', 'token requests at expiry', 'failed calls'],
        storm.map(({ name, calls, coldStart, atExpiry }) => [
          name,
          calls,
          coldStart.tokenRequests,
          atExpiry.tokenRequests,
          coldStart.failed + atExpiry.failed,
        ]),
      ),
    );

  if (fourteenDays.length)
    parts.push(
      `### 2. ${fourteenDays[0].days.toFixed(2).replace(/\.?0+$/, '')} simulated days of steady traffic (a call every ${fourteenDays[0].stepSeconds / 60} min)`,
    );
  if (fourteenDays.length)
    parts.push(
      table(
        ['client', 'calls', 'logins', 'refreshes', 'sent with an expired token', 'waited on the token endpoint', 'failed'],
        fourteenDays.map(({ name, calls, logins, refreshes, sentWithExpiredToken, waitedOnTokenEndpoint, failed }) => [
          name,
          calls,
          logins,
          refreshes,
          sentWithExpiredToken,
          waitedOnTokenEndpoint,
          failed,
        ]),
      ),
    );

  if (faults.length) parts.push('### 3. Faults');
  if (faults.length)
    parts.push(
      table(
        [
          'client',
          'token endpoint down 2 min across an expiry: failed calls',
          'admin ended the session: failed calls',
          'rotation on, concurrent traffic: failed calls',
          'sessions ended by a reused refresh token',
        ],
        faults.map(({ name, outage, adminLogout, rotation }) => [
          name,
          `${outage.failed} / ${outage.calls}`,
          `${adminLogout.failed} / ${adminLogout.calls}`,
          `${rotation.failed} / ${rotation.calls}`,
          rotation.sessionsEnded,
        ]),
      ),
    );

  if (overhead.length) parts.push('### 4. Overhead of a warm call (requests/s, median and range of rounds)');
  if (overhead.length)
    parts.push(
      table(
        ['client', 'requests/s', 'ratio to bare fetch'],
        overhead.map(({ name, requestsPerSecond, ratioToBareFetch }) => [name, spread(requestsPerSecond, 0), spread(ratioToBareFetch)]),
      ),
    );

  if (fleet.length) parts.push('### 5. Fleet: token requests for N instances (3 refresh cycles, rotation on)');
  const sizes = [...new Set(fleet.map(({ instances }) => instances))];
  const names = [...new Set(fleet.map(({ name }) => name))];
  if (fleet.length)
    parts.push(
      table(
        ['client', ...sizes.map((size) => `N=${size}: cold start / per cycle`)],
        names.map((name) => [
          name,
          ...sizes.map((size) => {
            const entry = fleet.find((candidate) => candidate.name === name && candidate.instances === size);
            return `${entry.coldStartTokenRequests} / ${entry.tokenRequestsPerCycle}${entry.failed ? ` (${entry.failed} failed)` : ''}`;
          }),
        ]),
      ),
    );

  if (fleetScale.length)
    parts.push('### 6. Fleet scale: N instances of one app on one RedisTokenStore (15 s, 5-second tokens, rotation on)');
  if (fleetScale.length)
    parts.push(
      table(
        [
          'instances',
          'token requests (logins + refreshes, refused)',
          'Redis commands per instance',
          'getAccessToken p50',
          'p99',
          'failed calls',
        ],
        fleetScale.map((entry) => [
          entry.instances,
          `${entry.tokenRequests} (${entry.logins} + ${entry.refreshes}, ${entry.refusedRefreshes} refused)`,
          entry.redisCommandsPerInstance,
          `${entry.p50Ms} ms`,
          `${entry.p99Ms} ms`,
          entry.failedCalls,
        ]),
      ),
    );

  for (const { name, summary } of packages) {
    parts.push(`### Package bench: ${name}`);
    parts.push(summary);
  }
  return `${parts.join('\n\n')}\n`;
}
