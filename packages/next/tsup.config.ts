import { defineConfig } from 'tsup';
import { cjsBuild } from '../../tsup.shared.js';

// Only the plain-Node entry has a CommonJS twin: Next.js itself always loads the ESM entry.
export default defineConfig(cjsBuild({ entry: { node: 'src/node.ts' } }));
