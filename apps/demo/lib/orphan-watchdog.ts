/**
 * The orchestrator stops this server on Ctrl-C; this covers the orchestrator dying without a word
 * (SIGKILL, a closed terminal): the server then exits too, instead of holding its port as an orphan.
 * The Express and Nest apps get the same from their IPC channel. Only active under the orchestrator.
 */
export function watchForOrphaning(env: Record<string, string | undefined> = process.env): void {
  const orchestratorPid = Number(env.DEMO_ORCHESTRATOR_PID);
  if (!Number.isInteger(orchestratorPid) || orchestratorPid <= 0) return;
  const parentAtStart = process.ppid;
  const watchdog = setInterval(() => {
    // Reparenting happens the moment the parent dies, even before anyone reaps it.
    if (process.ppid !== parentAtStart || !isAlive(orchestratorPid)) process.exit(0);
  }, 1_000);
  watchdog.unref();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
