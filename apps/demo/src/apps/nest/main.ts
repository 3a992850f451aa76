import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { announceReady, listenPort, stopOnRequest } from '../app-process.js';
import { createDemoClock } from '../../shared/demo-clock.js';
import { readDemoMode } from '../../shared/demo-settings.js';
import { AppModule } from './app.module.js';

function bootstrap(): void {
  const clock = createDemoClock();
  NestFactory.create(AppModule.forDemo(clock, readDemoMode()), { logger: ['error', 'warn'] })
    .then(async (app) => {
      // Shutdown hooks are driven by `stopOnRequest` (SIGTERM, SIGINT, orchestrator gone), not by Nest's own
      // signal listeners, so every app of the demo stops the same way; `app.close()` runs them.
      stopOnRequest('nest', () => app.close());
      await app.listen(listenPort(), '127.0.0.1');
      announceReady((await app.getUrl()).replace('[::1]', '127.0.0.1'));
    })
    .catch((error: unknown) => {
      console.error('[nest] failed to start:', error instanceof Error ? error.message : error);
      process.exit(1);
    });
}

bootstrap();
