/**
 * A line chart of cumulative token requests over the simulated days, one line per client, as a
 * self-contained SVG (no fonts or scripts to fetch, so it renders on GitHub and offline).
 */
const COLORS = ['#2563eb', '#dc2626', '#d97706', '#059669'];

export function tokenRequestsChart(seriesByClient, { width = 760, height = 380 } = {}) {
  const margin = { top: 48, right: 24, bottom: 48, left: 64 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const maxDay = Math.max(...seriesByClient.flatMap(({ series }) => series.map((point) => point.day)));
  const maxRequests = niceCeiling(Math.max(...seriesByClient.flatMap(({ series }) => series.map((point) => point.tokenRequests))));
  const x = (day) => margin.left + (day / maxDay) * plotWidth;
  const y = (requests) => margin.top + plotHeight - (requests / maxRequests) * plotHeight;

  const gridY = [0, 0.25, 0.5, 0.75, 1].map((share) => Math.round(share * maxRequests));
  const gridX = Array.from({ length: Math.floor(maxDay) + 1 }, (_, day) => day).filter((day) => day % 2 === 0);
  const lines = seriesByClient.map(({ name, series }, index) => {
    const points = series.map((point) => `${x(point.day).toFixed(1)},${y(point.tokenRequests).toFixed(1)}`).join(' ');
    const last = series.at(-1);
    return `<polyline fill="none" stroke="${COLORS[index % COLORS.length]}" stroke-width="2" points="${points}"/>
  <text x="${margin.left + 8}" y="${margin.top + 16 + index * 16}" fill="${COLORS[index % COLORS.length]}" font-size="12">${escape(name)}: ${last.tokenRequests} token requests</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, sans-serif">
  <rect width="100%" height="100%" fill="#ffffff"/>
  <text x="${margin.left}" y="24" font-size="15" font-weight="600">Token requests over ${Math.round(maxDay)} simulated days of steady traffic (cumulative)</text>
  ${gridY.map((value) => `<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${y(value)}" y2="${y(value)}" stroke="#e5e7eb"/><text x="${margin.left - 8}" y="${y(value) + 4}" font-size="11" text-anchor="end" fill="#6b7280">${value}</text>`).join('\n  ')}
  ${gridX.map((day) => `<text x="${x(day)}" y="${margin.top + plotHeight + 18}" font-size="11" text-anchor="middle" fill="#6b7280">day ${day}</text>`).join('\n  ')}
  <line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotHeight}" stroke="#9ca3af"/>
  <line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight}" stroke="#9ca3af"/>
  ${lines.join('\n  ')}
</svg>
`;
}

function niceCeiling(value) {
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(value, 1)));
  return Math.ceil(value / magnitude) * magnitude;
}

function escape(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/**
 * Bars of Redis commands per instance and getAccessToken p99 for each fleet size, one group per size, as a
 * self-contained SVG. `rows`: the fleet-scale scenario's results.
 */
export function fleetScaleChart(rows, { width = 760, height = 320 } = {}) {
  const margin = { top: 56, right: 24, bottom: 48, left: 64 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const series = [
    { label: 'Redis commands per instance', value: (row) => row.redisCommandsPerInstance, unit: '' },
    { label: 'getAccessToken p99 (ms)', value: (row) => row.p99Ms, unit: ' ms' },
  ];
  const group = plotWidth / rows.length;
  const bar = group / (series.length + 1);
  const bars = rows.flatMap((row, index) =>
    series.map((serie, which) => {
      const max = niceCeiling(Math.max(...rows.map(serie.value), 1));
      const value = serie.value(row);
      const barHeight = (value / max) * plotHeight;
      const x = margin.left + index * group + bar * (which + 0.5);
      const y = margin.top + plotHeight - barHeight;
      return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(bar * 0.9).toFixed(1)}" height="${barHeight.toFixed(1)}" fill="${COLORS[which]}"/>
  <text x="${(x + bar * 0.45).toFixed(1)}" y="${(y - 4).toFixed(1)}" font-size="11" text-anchor="middle">${value}${serie.unit}</text>`;
    }),
  );
  const labels = rows.map(
    (row, index) =>
      `<text x="${(margin.left + (index + 0.5) * group).toFixed(1)}" y="${margin.top + plotHeight + 18}" font-size="12" text-anchor="middle">N = ${row.instances}: ${row.tokenRequests} token requests</text>`,
  );
  const legend = series.map(
    (serie, which) =>
      `<rect x="${margin.left + which * 240}" y="34" width="10" height="10" fill="${COLORS[which]}"/><text x="${margin.left + which * 240 + 14}" y="43" font-size="12">${escape(serie.label)} (each on its own scale)</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, sans-serif">
  <rect width="100%" height="100%" fill="#ffffff"/>
  <text x="${margin.left}" y="22" font-size="15" font-weight="600">N instances of one app on one RedisTokenStore: 15 s, 5-second tokens, rotation on</text>
  ${legend.join('\n  ')}
  <line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight}" stroke="#9ca3af"/>
  ${bars.join('\n  ')}
  ${labels.join('\n  ')}
</svg>
`;
}
