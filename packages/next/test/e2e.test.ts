import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startFakeApiax, type FakeApiax, type FakeApiaxStats } from '@apiax-auth/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CANARY_API_KEY, CANARY_PASSWORD, EVAL_QUERY } from './support/apiax.js';
import {
  childEnv,
  filesUnder,
  FIXTURE_DIR,
  freePort,
  installPackageIntoFixture,
  JWT_PATTERN,
  runNext,
  stopNext,
  waitUntilServing,
  type NextProcess,
} from './support/fixture.js';

// One `next build` + `next start` of test/fixture-app, one `next dev`, and one `next build` that must fail
// (a client component importing the package); generous limits for a loaded 2-core box.
const SETUP_TIMEOUT_MS = 420_000;
const STEP_TIMEOUT_MS = 120_000;

const USERNAME = 'next-e2e';
const OTHER_USERNAME = 'next-e2e-other';
const CANARY_WRONG_PASSWORD = `${CANARY_PASSWORD}-wrong`;
const CANARIES = [CANARY_PASSWORD, CANARY_WRONG_PASSWORD, CANARY_API_KEY];

let fake: FakeApiax;
let installedPackage: string;
let build: NextProcess;
let server: NextProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let baseUrl: string;
let statsBeforeBuild: FakeApiaxStats;
let statsAfterBuild: FakeApiaxStats;
const browserBodies: Promise<string>[] = [];

// Both describes below run the fixture against this package as compiled from the current src.
beforeAll(async () => {
  installedPackage = await installPackageIntoFixture();
}, STEP_TIMEOUT_MS);

const productionSetup = async () => {
  fake = await startFakeApiax({
    users: [
      { username: USERNAME, password: CANARY_PASSWORD },
      { username: OTHER_USERNAME, password: 'the-right-password' },
    ],
    apiKeys: [CANARY_API_KEY],
  });
  const env = childEnv({
    ...fake.env,
    NODE_ENV: 'production',
    FIXTURE_OTHER_USERNAME: OTHER_USERNAME,
    FIXTURE_WRONG_PASSWORD: CANARY_WRONG_PASSWORD,
  });

  await rm(join(FIXTURE_DIR, '.next'), { recursive: true, force: true });

  // The build gets the real credentials: it must still send nothing.
  statsBeforeBuild = { ...fake.stats };
  build = runNext(['build'], env);
  const buildExit = await build.exited;
  statsAfterBuild = { ...fake.stats };
  if (buildExit !== 0) throw new Error(`next build failed (${buildExit}):\n${build.output()}`);

  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  server = runNext(['start', '--hostname', '127.0.0.1', '--port', String(port)], env);
  await waitUntilServing(`${baseUrl}/`, server, 90_000);

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage();
  page.setDefaultTimeout(60_000);
  // Keep every body the browser receives (HTML, RSC payloads, server action answers, JS chunks).
  page.on('response', (response) => browserBodies.push(response.text().catch(() => '')));
};

const productionTeardown = async () => {
  await browser?.close();
  await stopNext(server);
  await fake?.close();
};

const LIB_EVALUATED = '[fixture] lib/apiax.ts evaluated';

function count(text: string, line: string): number {
  return text.split(line).length - 1;
}

/** `fetch` from the page, so the answer is one the browser saw. */
async function fetchInPage(path: string, init: { method: string; body?: string }): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ path, init }) => {
      const response = await fetch(path, init);
      return { status: response.status, body: await response.json() };
    },
    { path, init },
  );
}

describe('a Next.js app using @apiax-auth/next (next build + next start + Chromium)', () => {
  beforeAll(productionSetup, SETUP_TIMEOUT_MS);
  afterAll(productionTeardown, 60_000);

  test('`next build` sends no token request and no API call, and prerenders no page that calls Apiax', async () => {
    expect(statsAfterBuild.tokenRequests).toBe(statsBeforeBuild.tokenRequests);
    expect(statsAfterBuild.apiCalls).toBe(statsBeforeBuild.apiCalls);
    expect(statsAfterBuild.tokenRequests).toBe(0);

    const prerendered = JSON.parse(await readFile(join(FIXTURE_DIR, '.next', 'prerender-manifest.json'), 'utf8')) as {
      routes: Record<string, unknown>;
    };
    expect(Object.keys(prerendered.routes)).toContain('/'); // the static home page is prerendered...
    expect(Object.keys(prerendered.routes)).not.toContain('/rules'); // ...the server component calling Apiax is not
  });

  test(
    "a click runs the server action and shows the rule engine's result; a second identical click reaches the API again",
    async () => {
      await page.goto(`${baseUrl}/`);
      const apiCallsBefore = fake.stats.apiCalls;

      await page.getByTestId('evaluate').click();
      const result = page.locator('[data-testid="result"][data-evaluations="1"]');
      await result.waitFor();
      expect(await result.textContent()).toContain('Custody and Payment Services (Financial Services) in CAN');
      expect(fake.stats.apiCalls).toBe(apiCallsBefore + 1);

      await page.getByTestId('evaluate').click();
      await page.locator('[data-testid="result"][data-evaluations="2"]').waitFor();
      expect(fake.stats.apiCalls).toBe(apiCallsBefore + 2);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "route handlers wrapped by withApiax answer with rule-engine results, with Next's params intact",
    async () => {
      const evaluation = await fetchInPage('/api/eval', { method: 'POST', body: JSON.stringify({ ...EVAL_QUERY, regimes: ['CHE'] }) });
      expect(evaluation.status).toBe(200);
      expect(evaluation.body).toMatchObject({ results: [{ regime: 'CHE', results: [{ path: expect.stringContaining('CHE') }] }] });

      const byRegime = await fetchInPage('/api/regimes/DEU', { method: 'GET' });
      expect(byRegime.status).toBe(200);
      expect(byRegime.body).toMatchObject({ regime: 'DEU', ok: true, paths: [expect.stringContaining('DEU')] });
    },
    STEP_TIMEOUT_MS,
  );

  test(
    'a server component calls Apiax at request time',
    async () => {
      const apiCallsBefore = fake.stats.apiCalls;
      await page.goto(`${baseUrl}/rules`);
      const ruleSets = page.getByTestId('rule-sets');
      await ruleSets.waitFor();
      expect(await ruleSets.textContent()).toMatch(/CHE rs-che-\d+/);
      expect(fake.stats.apiCalls).toBe(apiCallsBefore + 1);
    },
    STEP_TIMEOUT_MS,
  );

  test('one login serves the whole server: action, route handlers, server component and instrumentation share one client', () => {
    const logins = fake.requests.filter((entry) => entry.endpoint === 'token' && entry.grantType === 'password');
    expect(logins).toHaveLength(1);
    expect(logins[0]).toMatchObject({ username: USERNAME, status: 200 });
    expect(fake.stats.refresh).toBe(0);
    // instrumentation.ts, bundled apart from the routes, saw that one login through its own import of lib/apiax.
    const seenByInstrumentation = server!.output().match(/\[fixture\] apiax token grant=password/g) ?? [];
    expect(seenByInstrumentation).toHaveLength(1);
    // And lib/apiax.ts really was evaluated more than once (one copy per bundle layer): several copies, one client.
    expect(count(server!.output(), LIB_EVALUATED)).toBeGreaterThanOrEqual(2);
  });

  test(
    'a wrong password fails once with a typed ApiaxAuthError and is not sent again',
    async () => {
      const failedBefore = fake.stats.failedLogins;
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const answer = await fetchInPage('/api/wrong-password', { method: 'POST' });
        expect(answer).toEqual({ status: 502, body: { code: 'invalid_credentials' } });
      }
      expect(fake.stats.failedLogins).toBe(failedBefore + 1);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    'no password, API key or token reaches the browser, the build output or the logs',
    async () => {
      const bodies = await Promise.all(browserBodies);
      expect(bodies.length).toBeGreaterThan(5);
      const html = await (await fetch(`${baseUrl}/rules`)).text();
      const served = [...bodies, html].join('\n');
      for (const canary of CANARIES) expect(served).not.toContain(canary);
      expect(served).not.toMatch(JWT_PATTERN);

      const logs = `${build.output()}\n${server!.output()}`;
      for (const canary of CANARIES) expect(logs).not.toContain(canary);
      expect(logs).not.toMatch(JWT_PATTERN);

      const nextDir = join(FIXTURE_DIR, '.next');
      for (const file of await filesUnder(nextDir)) {
        const content = await readFile(file, 'latin1');
        for (const canary of CANARIES) expect(content.includes(canary), `${canary} in ${file}`).toBe(false);
        if (file.startsWith(join(nextDir, 'static'))) expect(JWT_PATTERN.test(content), `JWT-like text in ${file}`).toBe(false);
      }
    },
    STEP_TIMEOUT_MS,
  );

  test(
    'plain Node (a script, a test runner) loads the package with import and require; react-server resolves the server-only entry',
    async () => {
      const node = (args: string[]) => promisify(execFile)(process.execPath, args, { cwd: FIXTURE_DIR, env: childEnv({}) });
      const esm =
        "const m = await import('@apiax-auth/next'); console.log(typeof m.createApiaxNext, import.meta.resolve('@apiax-auth/next'))";
      const cjs = "const m = require('@apiax-auth/next'); console.log(typeof m.createApiaxNext, require.resolve('@apiax-auth/next'))";

      expect((await node(['--input-type=module', '-e', esm])).stdout).toMatch(/^function \S+\/dist\/node\.js$/m);
      expect((await node(['-e', cjs])).stdout).toMatch(/^function \S+\/dist\/node\.cjs$/m);
      // What Next's server layers resolve: the entry that imports `server-only` (which the client build refuses).
      expect((await node(['--conditions=react-server', '--input-type=module', '-e', esm])).stdout).toMatch(
        /^function \S+\/dist\/index\.js$/m,
      );
      expect(installedPackage).toContain(join('node_modules', '@apiax-auth', 'next'));
    },
    STEP_TIMEOUT_MS,
  );
});

describe('next dev: a hot reload re-evaluates lib/apiax.ts but keeps its client', () => {
  const libApiax = join(FIXTURE_DIR, 'lib', 'apiax.ts');
  let devFake: FakeApiax | undefined;
  let dev: NextProcess | undefined;
  let original: string | undefined;

  afterAll(async () => {
    await stopNext(dev);
    if (original !== undefined) await writeFile(libApiax, original);
    await devFake?.close();
  }, 60_000);

  test('editing lib/apiax.ts while `next dev` serves causes no second login', async () => {
    devFake = await startFakeApiax({ users: [{ username: USERNAME, password: CANARY_PASSWORD }], apiKeys: [CANARY_API_KEY] });
    const port = await freePort();
    const devUrl = `http://127.0.0.1:${port}`;
    dev = runNext(['dev', '--hostname', '127.0.0.1', '--port', String(port)], childEnv({ ...devFake.env }));
    await waitUntilServing(`${devUrl}/`, dev, 180_000);
    const evaluate = async () => {
      const response = await fetch(`${devUrl}/api/eval`, { method: 'POST', body: JSON.stringify(EVAL_QUERY) });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    };

    await evaluate();
    expect(devFake.stats.password).toBe(1);
    const evaluationsBefore = count(dev.output(), LIB_EVALUATED);
    expect(evaluationsBefore).toBeGreaterThanOrEqual(1);

    original = await readFile(libApiax, 'utf8');
    await writeFile(libApiax, `${original}\n// hot reload ${randomUUID()}\n`);
    const deadline = Date.now() + 120_000;
    while (count(dev.output(), LIB_EVALUATED) === evaluationsBefore && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await evaluate();
    }

    expect(count(dev.output(), LIB_EVALUATED)).toBeGreaterThan(evaluationsBefore); // the module really was evaluated again
    await evaluate();
    expect(devFake.stats.password).toBe(1);
    expect(devFake.stats.apiCalls).toBeGreaterThanOrEqual(3);
  }, 300_000);
});

describe('next build refuses a client component that imports @apiax-auth/next', () => {
  // A page added to the fixture for this build only: its client component imports the package.
  const pageDir = join(FIXTURE_DIR, 'app', 'client-import');

  afterAll(() => rm(pageDir, { recursive: true, force: true }));

  test('the build fails on `server-only`, so no client bundle can hold the package', async () => {
    await mkdir(pageDir, { recursive: true });
    await writeFile(
      join(pageDir, 'leaky-button.tsx'),
      [
        "'use client';",
        "import { createApiaxNext } from '@apiax-auth/next';",
        '',
        'export function LeakyButton() {',
        '  return <button type="button" onClick={() => void createApiaxNext().apiax.getAccessToken()}>leak</button>;',
        '}',
        '',
      ].join('\n'),
    );
    await writeFile(
      join(pageDir, 'page.tsx'),
      "import { LeakyButton } from './leaky-button';\n\nexport default function Page() {\n  return <LeakyButton />;\n}\n",
    );

    const leakyBuild = runNext(['build'], childEnv({ NODE_ENV: 'production' }));
    const exitCode = await leakyBuild.exited;

    expect(exitCode, leakyBuild.output()).not.toBe(0);
    // Next's own refusal, naming the import chain's marker (Turbopack and webpack word it alike).
    expect(leakyBuild.output()).toMatch(/'server-only' cannot be imported from a Client Component module/);
    expect(leakyBuild.output()).toContain('client-import');
    // The import trace names the package, so the user knows which import to move.
    expect(leakyBuild.output()).toContain('@apiax-auth/next');
  }, 300_000);
});
