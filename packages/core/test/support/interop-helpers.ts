/** A clock the client reads through its `now` option; the interop servers keep real time, which is fine:
 * the client decides when to refresh from its own clock and the lifetimes the server announced. */
export interface InteropClock {
  now(): number;
  advance(seconds: number): void;
}

export function createInteropClock(start = Date.now()): InteropClock {
  let current = start;
  return {
    now: () => current,
    advance: (seconds) => {
      current += seconds * 1000;
    },
  };
}

/** A raw token request, as any OAuth client would send it. */
export async function postForm(url: string, form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', body: new URLSearchParams(form) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
