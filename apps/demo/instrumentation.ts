/** Runs once when the Next server starts; the watchdog only makes sense in the Node.js runtime. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // An OpenTelemetry SDK, as an app with an observability stack registers one: feeds the telemetry panel.
  const { registerDemoTelemetry } = await import('./lib/telemetry.js');
  registerDemoTelemetry();
  const { watchForOrphaning } = await import('./lib/orphan-watchdog.js');
  watchForOrphaning();
}
