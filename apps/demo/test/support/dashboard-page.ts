import type { Page } from 'playwright-core';
import { eventually } from './demo-process.js';

/**
 * Clicks a call button and returns the text of the result it produced: the line only counts once its
 * `data-at` differs from the previous result's, so a stale "200" is never mistaken for the new one.
 */
export async function callThrough(page: Page, call: 'next-call' | 'express-call' | 'nest-call'): Promise<string> {
  const result = page.getByTestId(`${call}-result`);
  const previous = await result.getAttribute('data-at');
  await page.getByTestId(`${call}-button`).click();
  await eventually(
    `a new result of ${call}`,
    async () => {
      const at = await result.getAttribute('data-at');
      return at !== null && at !== previous;
    },
    60_000,
  );
  return (await result.textContent()) ?? '';
}
