import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium through playwright-core: never a browser download. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 60_000,
  });
}

/** A JWT (access or refresh token) anywhere in a text: three base64url parts, the first a JSON header. */
export const JWT_PATTERN = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/;

/** Records every response body `page` receives; the returned function resolves with them all, to search for secrets. */
export function recordBodies(page: Page): () => Promise<string[]> {
  const bodies: string[] = [];
  const pending: Promise<void>[] = [];
  page.on('response', (response) => {
    pending.push(
      response.body().then(
        (body) => void bodies.push(body.toString('utf8')),
        () => undefined,
      ),
    );
  });
  return async () => {
    await Promise.all(pending);
    return bodies;
  };
}
