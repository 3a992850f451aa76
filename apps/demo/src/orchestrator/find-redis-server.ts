import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Environment } from '../shared/demo-settings.js';
import { FLEET_ENV } from '../shared/fleet-settings.js';

/** Where package managers put it when the PATH of the shell that runs `pnpm demo` does not say. */
const USUAL_PLACES = ['/usr/bin', '/usr/local/bin', '/opt/homebrew/bin'];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The redis-server to start the fleet's store with: `DEMO_REDIS_SERVER` when set (and only that one:
 * the user chose it), else the first on the PATH or in the usual places. `null` when there is none.
 */
export function findRedisServer(env: Environment, executable: (path: string) => boolean = isExecutable): string | null {
  const chosen = env[FLEET_ENV.redisServer];
  if (chosen !== undefined && chosen !== '') return executable(chosen) ? chosen : null;
  const directories = [...(env.PATH ?? '').split(delimiter).filter((directory) => directory !== ''), ...USUAL_PLACES];
  for (const directory of directories) {
    const candidate = join(directory, 'redis-server');
    if (executable(candidate)) return candidate;
  }
  return null;
}
