import { ApiaxAuthError, type ApiaxAuthLogger } from '@apiax-auth/core';

/** Where a run reads and writes: the process's own streams, or a test's. */
export interface CliIo {
  stdout: { write(chunk: string | Uint8Array): unknown; isTTY?: boolean | undefined };
  stderr: { write(chunk: string): unknown };
  stdin: AsyncIterable<Uint8Array | string>;
  /** The environment before `--env-file`; default `process.env`. */
  env: { readonly [name: string]: string | undefined };
}

/** A failure `apiax` reports as `apiax: <code>: <message>` with exit code 1. */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The one line a failure prints on stderr. Core's errors carry no secret; others are reduced to their kind. */
export function failureLine(error: unknown): string {
  if (error instanceof ApiaxAuthError || error instanceof CliFailure) return `apiax: ${error.code}: ${error.message}\n`;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (error instanceof TypeError && typeof cause?.code === 'string') {
    return `apiax: unreachable: the request failed (${cause.code})\n`;
  }
  return `apiax: internal_error: unexpected failure (${String((error as { name?: unknown } | null)?.name ?? 'unknown')})\n`;
}

/**
 * The logger `apiax` hands to core and the cache: warnings go to stderr (core already scrubs them, and the
 * cache's hold no secret); info and debug stay silent; errors are reported once, by the command that failed.
 */
export function stderrLogger(io: CliIo): ApiaxAuthLogger {
  const silent = () => undefined;
  return { debug: silent, info: silent, error: silent, warn: (message: string) => void io.stderr.write(`apiax: warning: ${message}\n`) };
}
