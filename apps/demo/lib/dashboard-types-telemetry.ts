/** One span of `@apiax-auth/core` as the telemetry panel shows it: what an observability stack receives. */
export interface GrantSpanView {
  /** `apiax-auth password`, `apiax-auth refresh` or `apiax-auth logout`. */
  name: string;
  traceId: string;
  /** The parent span's id: the request that waited for the grant; `null` for a background renewal (a trace of its own). */
  parent: string | null;
  /** Epoch ms. */
  startedAt: number;
  durationMs: number;
  failed: boolean;
  attributes: Record<string, string>;
}
