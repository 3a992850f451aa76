import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Environment } from '../shared/demo-settings.js';
import { FLEET_ENV, FLEET_SIZE, FLEET_USERNAME } from '../shared/fleet-settings.js';
import { spawnService, type ServiceProcess } from './service-process.js';

/** What {@link startFleet} needs from the orchestrator. */
export interface StartFleetOptions {
  redisServer: string;
  /** The apps' environment (fake mode: `APIAX_*` point at the embedded fake). */
  appEnv: Environment;
  fleetPassword: string;
  distDir: string;
  cwd: string;
  verbose: boolean;
  timeoutMs: number;
  /** Called with each process as soon as it is spawned, so a shutdown during the start stops it too. */
  register: (service: ServiceProcess) => void;
  /** Called with each process of a fleet that failed to start, once it is stopped. */
  forget: (service: ServiceProcess) => void;
}

/** The fleet could not start; its processes are stopped. `output` holds the failing one's last lines. */
export class FleetStartError extends Error {
  override readonly name = 'FleetStartError';
  constructor(
    message: string,
    readonly output: string[],
  ) {
    super(message);
  }
}

const FAILED_STOP_GRACE_MS = 1_000;

/** The running fleet: the store's URL and the instances' URLs, in instance order. */
export interface RunningFleet {
  redisUrl: string;
  urls: string[];
}

/**
 * Starts a private redis-server (through its keeper) and {@link FLEET_SIZE} instances of the fleet app
 * sharing it: one account, one store, one encryption key made for this run and forgotten with it.
 * The fleet is an extra: when it cannot start, its processes are stopped and a {@link FleetStartError}
 * says why, so the rest of the demo can run without it.
 */
export async function startFleet(options: StartFleetOptions): Promise<RunningFleet> {
  const spawned: ServiceProcess[] = [];
  const register = (service: ServiceProcess): void => {
    spawned.push(service);
    options.register(service);
  };
  try {
    return await spawnFleet(options, register);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const culprit = spawned.find((service) => reason.startsWith(service.name));
    await Promise.all(spawned.map((service) => service.stop(FAILED_STOP_GRACE_MS)));
    for (const service of spawned) options.forget(service);
    throw new FleetStartError(reason, culprit?.recentOutput() ?? []);
  }
}

async function spawnFleet(options: StartFleetOptions, register: (service: ServiceProcess) => void): Promise<RunningFleet> {
  const keeper = spawnService({
    name: 'redis',
    args: [join(options.distDir, 'apps', 'redis-keeper', 'main.js'), options.redisServer],
    // Neither the keeper nor redis-server needs a credential: they get none of the apps' variables.
    env: keeperEnvironment(options.appEnv),
    cwd: options.cwd,
    verbose: options.verbose,
    ipc: true,
  });
  register(keeper);
  const redisUrl = await keeper.announcedUrl(options.timeoutMs);

  const storeKey = randomBytes(32).toString('base64');
  const instances = Array.from({ length: FLEET_SIZE }, (_unused, index) => {
    const instance = spawnService({
      name: `fleet-${index + 1}`,
      args: [join(options.distDir, 'apps', 'fleet', 'main.js')],
      env: {
        ...options.appEnv,
        PORT: '0',
        APIAX_USERNAME: FLEET_USERNAME,
        APIAX_PASSWORD: options.fleetPassword,
        [FLEET_ENV.instance]: String(index + 1),
        [FLEET_ENV.redisUrl]: redisUrl,
        [FLEET_ENV.storeKey]: storeKey,
      },
      cwd: options.cwd,
      verbose: options.verbose,
      ipc: true,
    });
    register(instance);
    return instance;
  });
  const urls = await Promise.all(instances.map((instance) => instance.announcedUrl(options.timeoutMs)));
  return { redisUrl, urls };
}

/** What the keeper (and the redis-server it starts) needs of the environment: where programs and temporary files are. */
function keeperEnvironment(appEnv: Environment): Environment {
  const kept: Environment = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (appEnv[name] !== undefined) kept[name] = appEnv[name];
  return kept;
}
