import type { CliIo } from '../output.js';

/** `✓` fine, `!` works but deserves a look, `✗` wrong (doctor exits 1), `·` information. */
export type Mark = '✓' | '!' | '✗' | '·';

/** Doctor's output: one line per check, in order; it remembers what is wrong so the last line can name it. */
export class Checklist {
  readonly problems: string[] = [];
  constructor(private readonly io: CliIo) {}

  /** Writes `mark subject: detail`; a `✗` is remembered under `subject`. */
  line(mark: Mark, subject: string, detail?: string): void {
    if (mark === '✗') this.problems.push(subject);
    this.io.stdout.write(`${mark} ${subject}${detail === undefined ? '' : `: ${detail}`}\n`);
  }
}
