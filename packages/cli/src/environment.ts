import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { CliFailure } from './output.js';

/** An environment: variable name → value. */
export type Environment = { readonly [name: string]: string | undefined };

/**
 * The environment a run uses: `base`, plus the variables of `envFile` that `base` does not set (as
 * `node --env-file` does: what is already set wins). The file's values are never echoed.
 */
export function loadEnvironment(base: Environment, envFile: string | undefined): Environment {
  if (envFile === undefined) return base;
  let text: string;
  try {
    text = readFileSync(envFile, 'utf8');
  } catch (error) {
    throw new CliFailure('env_file_unreadable', `cannot read --env-file ${envFile} (${(error as { code?: string }).code ?? 'error'})`);
  }
  const fromFile = parseEnv(text) as Record<string, string>;
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [name, value] of Object.entries(base)) if (value !== undefined && value !== '') merged[name] = value;
  return merged;
}
