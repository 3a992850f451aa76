import type { Options } from 'tsup';

/**
 * The CommonJS build that sits beside each package's ESM build (which `tsc -p tsconfig.build.json` emits).
 * It exists for the projects that cannot load ES modules: a `nest new` app's Jest, a `module: commonjs`
 * TypeScript project. `bundle` lists the ESM-only dependencies (openid-client, jose) that must be
 * compiled into the `.cjs` file, since Jest's module system cannot `require` them; every other
 * dependency and peer stays external, so the user's own copy of Express, Nest or Next is the one used.
 * Types come out as `.d.cts` rolled into one file, so a `require` resolution never reaches ESM typings.
 */
export function cjsBuild({ entry, bundle = [] }: { entry: Record<string, string>; bundle?: string[] }): Options {
  return {
    entry,
    format: ['cjs'],
    outDir: 'dist',
    clean: false,
    dts: { resolve: bundle },
    tsconfig: 'tsconfig.build.json',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    splitting: false,
    noExternal: bundle,
    silent: true,
  };
}

/** openid-client and jose ship ES modules only; oauth4webapi is openid-client's own ESM-only dependency. */
export const ESM_ONLY_DEPENDENCIES = ['openid-client', 'oauth4webapi', 'jose'];
