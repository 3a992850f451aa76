/** Runs once when the Next server starts; the watchdog only makes sense in the Node.js runtime. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { watchForOrphaning } = await import('./lib/orphan-watchdog.js');
  watchForOrphaning();
}
