// Runs synchronous cleanups when the process exits or is interrupted, so that a test run that is
// stopped with Ctrl-C or crashes does not leave redis-server processes behind.

interface Registration {
  cleanup: () => void;
  onSignals: boolean;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const registrations = new Set<Registration>();
let exitListening = false;
let signalsListening = false;

/**
 * Registers a synchronous cleanup for process exit (and, with `onSignals`, for SIGINT/SIGTERM, after which the
 * signal is raised again so the process still ends). Returns a function that unregisters it.
 */
export function registerExitCleanup(cleanup: () => void, { onSignals = true } = {}): () => void {
  const registration = { cleanup, onSignals };
  registrations.add(registration);
  updateListeners();
  return () => {
    registrations.delete(registration);
    updateListeners();
  };
}

function runCleanups(filter: (registration: Registration) => boolean): void {
  for (const registration of [...registrations]) {
    if (!filter(registration)) continue;
    registrations.delete(registration);
    try {
      registration.cleanup();
    } catch {
      // Keep cleaning up the others.
    }
  }
  updateListeners();
}

function onExit(): void {
  runCleanups(() => true);
}

function onSignal(signal: NodeJS.Signals): void {
  runCleanups((registration) => registration.onSignals);
  // Our listener replaced the default action; when nobody else handles the signal, raise it again.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

// Listeners exist only while something is registered: an idle library must not change signal handling.
function updateListeners(): void {
  const wantExit = registrations.size > 0;
  const wantSignals = [...registrations].some((registration) => registration.onSignals);
  if (wantExit !== exitListening) {
    exitListening = wantExit;
    if (wantExit) process.on('exit', onExit);
    else process.removeListener('exit', onExit);
  }
  if (wantSignals !== signalsListening) {
    signalsListening = wantSignals;
    for (const signal of SIGNALS) {
      if (wantSignals) process.on(signal, onSignal);
      else process.removeListener(signal, onSignal);
    }
  }
}
