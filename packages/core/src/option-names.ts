import { invalidConfig } from './errors.js';
import type { ApiaxAssertionOptions, ApiaxAuthOptions } from './option-types.js';

/**
 * Every option name, checked against the interface by the compiler: adding an option to
 * {@link ApiaxAuthOptions} without listing it here fails the build, so no valid option is ever refused.
 */
const OPTION_NAMES: { readonly [name in keyof Required<ApiaxAuthOptions>]: true } = {
  username: true,
  password: true,
  clientId: true,
  issuer: true,
  tokenEndpoint: true,
  apiBaseUrl: true,
  apiKey: true,
  allowedOrigins: true,
  assertion: true,
  store: true,
  fetch: true,
  now: true,
  clock: true,
  telemetry: true,
  logger: true,
  refreshWindowMs: true,
  expiryMarginMs: true,
  requestTimeoutMs: true,
  maxRetries: true,
  loginCooldownMs: true,
  retryBaseDelayMs: true,
  retryMaxDelayMs: true,
  background: true,
  env: true,
};

const ASSERTION_OPTION_NAMES: { readonly [name in keyof Required<ApiaxAssertionOptions>]: true } = {
  privateKey: true,
  subject: true,
  issuer: true,
  lifetimeSeconds: true,
};

/**
 * Refuses a key no option has (`apikey` for `apiKey`): JavaScript callers get no compiler to tell
 * them, and a misspelt option silently falls back to its default. `prefix` names nested options.
 * @throws ApiaxAuthError `invalid_config` naming the unknown option and the closest known one.
 */
export function assertKnownOptions(options: object, known: readonly string[] = Object.keys(OPTION_NAMES), prefix = ''): void {
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const closest = closestName(name, known);
    throw invalidConfig(`${prefix}${name}`, `is not an option${closest === undefined ? '' : ` (did you mean ${prefix}${closest}?)`}`);
  }
}

/** {@link assertKnownOptions} for the `assertion` object. */
export function assertKnownAssertionOptions(assertion: object): void {
  assertKnownOptions(assertion, Object.keys(ASSERTION_OPTION_NAMES), 'assertion.');
}

/** The known name closest to `name`: a case-insensitive match first, else the nearest by edit distance (at most 3 edits). */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const sameLetters = known.find((candidate) => candidate.toLowerCase() === lower);
  if (sameLetters !== undefined) return sameLetters;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= 3 && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** Levenshtein distance, two rows (names are short). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
