import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `apps/demo`. */
export const DEMO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The monorepo root. */
export const REPO_DIR = join(DEMO_DIR, '..', '..');
export const RESULTS_DIR = join(DEMO_DIR, 'test-results');
