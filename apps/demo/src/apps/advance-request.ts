/** The largest jump the dashboard offers is minutes; a day is a generous bound against typos. */
const MAX_ADVANCE_SECONDS = 24 * 60 * 60;

/** Reads `{"seconds": n}` from a request body; `null` when it is not a positive, bounded number. */
export function readAdvanceSeconds(body: unknown): number | null {
  if (typeof body !== 'object' || body === null) return null;
  const seconds = (body as { seconds?: unknown }).seconds;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_ADVANCE_SECONDS) return null;
  return seconds;
}
