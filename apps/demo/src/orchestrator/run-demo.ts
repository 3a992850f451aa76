import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_ENV, type Environment } from '../shared/demo-settings.js';
import { FLEET_ENV } from '../shared/fleet-settings.js';
import { bannerLines } from './demo-banner.js';
import { writeManifest } from './demo-manifest.js';
import { appEnvironment, resolveDemoMode } from './demo-mode.js';
import { fakeAdminUrl, startEmbeddedFake, type EmbeddedFake } from './embedded-fake.js';
import { findRedisServer } from './find-redis-server.js';
import { planFleet } from './fleet-plan.js';
import { chooseDashboardPort } from './ports.js';
import { signalGroup, spawnService, type ServiceProcess } from './service-process.js';
import { FleetStartError, startFleet, type RunningFleet } from './start-fleet.js';
import { waitForHttp } from './wait-for-http.js';

/** The package root: `dist/orchestrator/run-demo.js` → `apps/demo`. */
const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST_DIR = join(PACKAGE_DIR, 'dist');

const START_TIMEOUT_MS = 60_000;
/** Signals closer together than this are one Ctrl-C delivered twice. */
const REPEATED_SIGNAL_MS = 1_000;
const DASHBOARD_STOP_GRACE_MS = 300;

/**
 * Starts the fake (unless real credentials are set), the Express, Nest and Next apps, the fleet (a
 * redis-server and its instances, when there is a redis-server), prints the one URL to open, and stops
 * everything in order on Ctrl-C. Resolves with the exit code.
 */
export async function runDemo(env: Environment = process.env): Promise<number> {
  const mode = resolveDemoMode(env);
  const verbose = env.DEMO_VERBOSE === '1';
  const services: ServiceProcess[] = [];
  let embedded: EmbeddedFake | null = null;
  let shuttingDown: Promise<number> | null = null;

  // Last resort if the orchestrator dies of an error: no app outlives it.
  const killAllNow = (): void => {
    for (const service of services) signalGroup(service.pid, 'SIGKILL');
  };
  process.on('exit', killAllNow);

  const shutdown = (exitCode: number): Promise<number> => {
    shuttingDown ??= (async () => {
      // Dashboard first (it calls the others), then the apps (they log out; the fleet closes its store),
      // then the fleet's Redis, then the fake they log out of. The dashboard holds no state, and `next
      // start` takes about 2 s to stop on SIGTERM: a short grace, then SIGKILL, so that Ctrl-C ends the
      // demo within a second.
      const dashboard = services.find((service) => service.name === 'next');
      const redis = services.find((service) => service.name === 'redis');
      await dashboard?.stop(DASHBOARD_STOP_GRACE_MS);
      await Promise.all(services.filter((service) => service !== dashboard && service !== redis).map((service) => service.stop()));
      await redis?.stop();
      await embedded?.fake.close();
      return exitCode;
    })();
    return shuttingDown;
  };

  const stopped = new Promise<number>((resolve) => {
    let firstSignalAt: number | null = null;
    const onSignal = (): void => {
      if (firstSignalAt !== null) {
        // One Ctrl-C often arrives twice (from the terminal, and forwarded by pnpm): only a second
        // press, later, means the user does not want to wait for a clean stop.
        if (Date.now() - firstSignalAt < REPEATED_SIGNAL_MS) return;
        killAllNow();
        process.exit(130);
      }
      firstSignalAt = Date.now();
      console.log('\n  Stopping the demo…');
      void shutdown(0).then(resolve);
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  });

  const failed = (reason: string, service?: ServiceProcess): Promise<number> => {
    console.error(`\n  The demo could not keep running: ${reason}`);
    if (service !== undefined && !verbose) {
      const output = service.recentOutput();
      if (output.length > 0) console.error(`  Last output of ${service.name}:\n${output.map((line) => `    ${line}`).join('\n')}`);
    }
    return shutdown(1);
  };

  try {
    if (mode === 'fake') embedded = await startEmbeddedFake(env);
    const fake = embedded?.fake ?? null;
    const childEnv = appEnvironment(env, mode, fake === null ? null : { env: fake.env, adminUrl: fakeAdminUrl(fake) });
    const fleetPlan = planFleet(env, mode, findRedisServer(env));

    const startApp = (name: 'express' | 'nest'): ServiceProcess => {
      const service = spawnService({
        name,
        args: [join(DIST_DIR, 'apps', name, 'main.js')],
        env: { ...childEnv, PORT: '0' },
        cwd: PACKAGE_DIR,
        verbose,
        ipc: true,
      });
      services.push(service);
      return service;
    };
    const express = startApp('express');
    const nest = startApp('nest');
    const fleetStarting: Promise<RunningFleet | null> =
      fleetPlan.start && embedded !== null
        ? startFleet({
            redisServer: fleetPlan.redisServer,
            appEnv: childEnv,
            fleetPassword: embedded.fleetPassword,
            distDir: DIST_DIR,
            cwd: PACKAGE_DIR,
            verbose,
            timeoutMs: START_TIMEOUT_MS,
            register: (service) => services.push(service),
            forget: (service) => {
              const index = services.indexOf(service);
              if (index >= 0) services.splice(index, 1);
            },
          }).catch((error: unknown) => {
            if (!(error instanceof FleetStartError) || shuttingDown !== null) throw error;
            reportFleetFailure(error);
            return null;
          })
        : Promise.resolve(null);
    const [expressUrl, nestUrl, fleet] = await Promise.all([
      express.announcedUrl(START_TIMEOUT_MS),
      nest.announcedUrl(START_TIMEOUT_MS),
      fleetStarting,
    ]);
    const fleetAbsence = !fleetPlan.start ? fleetPlan.absence : fleet === null ? 'start-failed' : null;

    // Ctrl-C during the start: stop here rather than start the dashboard after everything else stopped.
    if (shuttingDown !== null) return shuttingDown;

    const port = await chooseDashboardPort(env);
    const dashboardUrl = `http://127.0.0.1:${port}`;
    const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
    const next = spawnService({
      name: 'next',
      args: [nextBin, 'start', '--port', String(port), '--hostname', '127.0.0.1'],
      env: {
        ...childEnv,
        NODE_ENV: 'production',
        [DEMO_ENV.expressUrl]: expressUrl,
        [DEMO_ENV.nestUrl]: nestUrl,
        ...(fleet === null ? { [FLEET_ENV.absence]: fleetAbsence ?? 'disabled' } : { [FLEET_ENV.urls]: fleet.urls.join(',') }),
        // Watched by instrumentation.ts: the server exits if the orchestrator dies without stopping it.
        DEMO_ORCHESTRATOR_PID: String(process.pid),
      },
      cwd: PACKAGE_DIR,
      verbose,
      ipc: false,
    });
    services.push(next);

    // From here on, any app that dies takes the demo down with it, loudly.
    for (const service of services) {
      void service.exited.then((code) => {
        if (shuttingDown === null) void failed(`${service.name} exited (${code})`, service).then((exitCode) => process.exit(exitCode));
      });
    }

    await waitForHttp('next', `${dashboardUrl}/api/health`, START_TIMEOUT_MS, next.exited);
    if (shuttingDown !== null) return shuttingDown;

    if (env.DEMO_MANIFEST) {
      writeManifest(env.DEMO_MANIFEST, {
        mode,
        dashboardUrl,
        expressUrl,
        nestUrl,
        fakeAdminUrl: fake === null ? null : fakeAdminUrl(fake),
        fakeApiUrl: fake?.apiBaseUrl ?? null,
        fleetUrls: fleet?.urls ?? [],
        redisUrl: fleet?.redisUrl ?? null,
        fleetAbsence,
        orchestratorPid: process.pid,
        appPids: services.map((service) => service.pid),
      });
    }
    console.log(bannerLines(mode, dashboardUrl, env, fleetAbsence).join('\n'));
  } catch (error) {
    // An app that dies because Ctrl-C came during the start is no failure.
    if (shuttingDown !== null) return shuttingDown;
    const reason = error instanceof Error ? error.message : String(error);
    const culprit = services.find((service) => reason.startsWith(service.name));
    return failed(reason, culprit);
  }
  return stopped;
}

/** The fleet is an extra: the demo goes on without it, after saying why. */
function reportFleetFailure(error: FleetStartError): void {
  console.error(`\n  The fleet could not start: ${error.message}`);
  if (error.output.length > 0) console.error(error.output.map((line) => `    ${line}`).join('\n'));
}
