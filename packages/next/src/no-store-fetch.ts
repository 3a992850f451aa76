/** `RequestInit` as browsers and Next.js know it (Node's own typings lack `cache`). */
type NextRequestInit = RequestInit & { cache?: string; next?: unknown };

/**
 * Wraps the `fetch` core uses (token endpoint and API) so that Next.js never caches a request:
 * responses hold one account's data and tokens. `cache: 'no-store'` wins over any caller's
 * `cache`, and the `next` option is dropped because Next.js ignores `no-store` next to `revalidate`.
 *
 * `globalThis.fetch` is read per call: Next.js patches it after our module may have loaded.
 */
export function noStoreFetch(base?: typeof globalThis.fetch): typeof globalThis.fetch {
  return (input, init) => {
    const { next: _ignored, ...rest }: NextRequestInit = init ?? {};
    const noStore: NextRequestInit = { ...rest, cache: 'no-store' };
    return (base ?? globalThis.fetch)(input, noStore);
  };
}
