#!/usr/bin/env node
// Throughput of a Nest route that calls the (fake) rule engine through `req.apiax.fetch` (this
// module + core), against the same route calling it with plain `fetch` and a fixed Authorization
// header (no module at all). Both apps run in this process against the same fake, alternating in
// each round; the result is the median of the per-round req/s ratios, written to results.json.
//
//   pnpm --filter @apiax-auth/nest build && node bench/run.mjs   (BENCH_ROUNDS, BENCH_SECONDS, BENCH_CONNECTIONS)
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { Body, Controller, Inject, Module, Post, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { startFakeApiax } from '@apiax-auth/testing';
import autocannon from 'autocannon';
import { ApiaxAuthModule } from '@apiax-auth/nest';

const rounds = Number(process.env.BENCH_ROUNDS ?? 11);
const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
const QUERY = JSON.stringify({
  products: [{ productId: 'Custody and Payment Services', familyId: 'Financial Services' }],
  regimes: ['CAN'],
  versionFilter: 'latest',
  attributes: [{ name: 'clientStatus', value: '*(prospect|existingClient)' }],
});

/** Decorators applied by hand, as compiled TypeScript would (this file runs on plain node). */
function route(Class, method, path) {
  Req()(Class.prototype, method, 0);
  Body()(Class.prototype, method, 1);
  Post(path)(Class.prototype, method, Object.getOwnPropertyDescriptor(Class.prototype, method));
}

/** The route under test: through this module's `req.apiax`. */
function adapterApp() {
  class RulesController {
    async evaluate(req, query) {
      const response = await req.apiax.fetch('/api/v3/rules/eval', { method: 'POST', body: JSON.stringify(query) });
      return response.json();
    }
  }
  route(RulesController, 'evaluate', 'eval');
  Controller('rules')(RulesController);
  class AppModule {}
  Module({ imports: [ApiaxAuthModule.forRoot({ env: fake.env })], controllers: [RulesController] })(AppModule);
  return AppModule;
}

/** The baseline: the same route with a token fetched once and sent as a fixed header. */
function baselineApp(accessToken) {
  const FIXED = 'FIXED_HEADERS';
  class RulesController {
    constructor(headers) {
      this.headers = headers;
    }
    async evaluate(_req, query) {
      const response = await fetch(new URL('/api/v3/rules/eval', fake.apiBaseUrl), {
        method: 'POST',
        headers: this.headers,
        body: JSON.stringify(query),
      });
      return response.json();
    }
  }
  Inject(FIXED)(RulesController, undefined, 0);
  route(RulesController, 'evaluate', 'eval');
  Controller('rules')(RulesController);
  class AppModule {}
  const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
  Module({ providers: [{ provide: FIXED, useValue: headers }], controllers: [RulesController] })(AppModule);
  return AppModule;
}

async function serve(AppModule) {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${app.getHttpServer().address().port}/rules/eval` };
}

async function passwordGrant() {
  const response = await fetch(fake.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'integration-api',
      username: fake.env.APIAX_USERNAME,
      password: fake.env.APIAX_PASSWORD,
    }),
  });
  if (!response.ok) throw new Error(`login for the baseline failed: ${response.status}`);
  return (await response.json()).access_token;
}

async function load(url) {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: QUERY,
    connections,
    duration: seconds,
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result.requests.average;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const round2 = (value) => Math.round(value * 100) / 100;

const loadAverageAtStart = os.loadavg()[0];
const fake = await startFakeApiax();
const adapter = await serve(adapterApp());
const baseline = await serve(baselineApp(await passwordGrant()));
fake.resetStats();
try {
  // Warm-up: JIT, keep-alive pools, and the adapter's one login.
  for (const { url } of [adapter, baseline])
    await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body: QUERY, connections, duration: 2 });

  const perRound = [];
  for (let index = 0; index < rounds; index += 1) {
    // Alternate the order so that drift of the machine's load does not favour one side.
    const order = index % 2 === 0 ? ['adapter', 'baseline'] : ['baseline', 'adapter'];
    const rps = {};
    for (const side of order) rps[side] = await load(side === 'adapter' ? adapter.url : baseline.url);
    perRound.push({ adapter: Math.round(rps.adapter), baseline: Math.round(rps.baseline), ratio: round2(rps.adapter / rps.baseline) });
    console.log(
      `round ${index + 1}/${rounds}: adapter ${Math.round(rps.adapter)} req/s, baseline ${Math.round(rps.baseline)} req/s, ratio ${round2(rps.adapter / rps.baseline)}`,
    );
  }

  const results = {
    benchmark:
      'Nest route calling POST /api/v3/rules/eval of the fake Apiax: req.apiax.fetch (ApiaxAuthModule) vs plain fetch with a fixed Authorization header',
    measuredAt: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    rounds,
    secondsPerSide: seconds,
    connections,
    medianRequestsPerSecond: {
      adapter: Math.round(median(perRound.map((r) => r.adapter))),
      baseline: Math.round(median(perRound.map((r) => r.baseline))),
    },
    medianRatio: round2(median(perRound.map((r) => r.ratio))),
    ratioRange: [Math.min(...perRound.map((r) => r.ratio)), Math.max(...perRound.map((r) => r.ratio))],
    // The machine is shared: its 1-minute load average says how noisy the rounds were.
    loadAverage: { start: round2(loadAverageAtStart), end: round2(os.loadavg()[0]) },
    perRound,
    // One login for the whole run (the warm-up's), and no call refused: the adapter never re-logged in.
    fake: { logins: fake.stats.password, refreshes: fake.stats.refresh, rejectedApiCalls: fake.stats.rejectedApiCalls },
  };
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`median ratio adapter/baseline: ${results.medianRatio} (written to bench/results.json)`);
} finally {
  // autocannon stops with requests in flight: let their calls to the fake finish before it closes.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await adapter.app.close();
  await baseline.app.close();
  await fake.close();
}
