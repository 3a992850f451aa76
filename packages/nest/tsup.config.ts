import { defineConfig } from 'tsup';
import { cjsBuild } from '../../tsup.shared.js';

export default defineConfig(cjsBuild({ entry: { index: 'src/index.ts', health: 'src/health.ts' } }));
