import { ensureDemoBuilt } from './support/demo-build.js';

/** Vitest global setup: the browser and process tests run the built demo, as `pnpm demo` does. */
export default function setup(): void {
  ensureDemoBuilt();
}
