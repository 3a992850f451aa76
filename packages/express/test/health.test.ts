import { describe, expect, it } from 'vitest';
import { apiaxHealth } from '../src/index.js';
import { apiaxAuthFor, expressVersions, listen, startFake } from './support/helpers.js';

describe.each(expressVersions)('apiaxHealth ($version)', ({ express }) => {
  it('answers 200 while up, without a login; 503 once down, with no secret', async () => {
    const fake = await startFake({ users: [{ username: 'demo', password: 'canary-pw-5c1e' }] });
    const good = apiaxAuthFor(fake, { password: 'canary-pw-5c1e' });
    const bad = apiaxAuthFor(fake, { password: 'canary-wrong-pw-77a' });
    const app = express();
    app.get('/healthz', apiaxHealth(good.auth));
    app.get('/healthz-bad', apiaxHealth(bad.auth));
    const base = await listen(app);

    const first = await fetch(`${base}/healthz`);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(await first.json()).toEqual({
      status: 'up',
      state: 'signed-out',
      store: 'local',
      accessTokenExpiresAt: null,
      refreshTokenExpiresAt: null,
      lastError: null,
    });
    expect(fake.stats.tokenRequests).toBe(0); // a probe never logs in

    const token = await good.auth.getAccessToken();
    const up = await fetch(`${base}/healthz`);
    expect(up.status).toBe(200);
    const upText = await up.text();
    expect(JSON.parse(upText)).toMatchObject({ status: 'up', state: 'valid' });
    expect(upText).not.toContain(token);

    await expect(bad.auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_credentials' });
    const down = await fetch(`${base}/healthz-bad`);
    expect(down.status).toBe(503);
    const downText = await down.text();
    expect(JSON.parse(downText)).toMatchObject({ status: 'down', state: 'failed', lastError: { code: 'invalid_credentials' } });
    expect(downText).not.toContain('canary-wrong-pw-77a');

    await good.auth.close();
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
  });
});
