import { defineConfig } from 'tsup';
import { cjsBuild, ESM_ONLY_DEPENDENCIES } from '../../tsup.shared.js';

export default defineConfig(cjsBuild({ entry: { index: 'src/index.ts' }, bundle: ESM_ONLY_DEPENDENCIES }));
