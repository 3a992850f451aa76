import { defineConfig } from 'tsup';
import { cjsBuild } from '../../tsup.shared.js';

// jose ships ES modules only, so a CommonJS test runner (a `nest new` app's Jest) needs it compiled in.
// The `apiax-fake` bin stays ESM only.
export default defineConfig(cjsBuild({ entry: { index: 'src/index.ts' }, bundle: ['jose'] }));
