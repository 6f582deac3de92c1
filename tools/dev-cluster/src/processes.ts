// Facts about processes by pid, read from /proc (Linux). Used for processes this Node process did not spawn
// itself: leftovers of crashed runs, and clusters the CLI left running.
import { readdirSync, readFileSync } from 'node:fs';

/** True when the pid belongs to a running process (a zombie that nobody reaped counts as dead). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const state = readProcStat(pid)?.state;
  return state !== 'Z' && state !== 'X';
}

/** The state letter and start time (in clock ticks since boot) from /proc/<pid>/stat. */
export function readProcStat(pid: number): { state: string; startTime: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    const startTime = fields[19];
    return state && startTime ? { state, startTime } : undefined;
  } catch {
    return undefined;
  }
}

/** The command line of a process, arguments joined by spaces; undefined when it is gone. */
export function readCommandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return undefined;
  }
}

// The executables dev-cluster runs: Debian's redis-server, and redis-server or valkey-server built from source.
const SERVER_BINARY = /(?:redis|valkey)-server/;

/**
 * True when the pid is a live redis-server (or valkey-server) started for `port` or from a config under `dir`.
 * The server rewrites its title to `<binary> 127.0.0.1:<port> [cluster]`; before that the command line names
 * the config file.
 */
export function isOurRedisServer(pid: number, { port, dir }: { port?: number; dir?: string }): boolean {
  if (!isProcessAlive(pid)) return false;
  const commandLine = readCommandLine(pid);
  if (!commandLine || !SERVER_BINARY.test(commandLine)) return false;
  return (
    (port !== undefined && commandLine.includes(`:${port}`)) ||
    (dir !== undefined && commandLine.includes(dir))
  );
}

/** Pids of every running redis-server on this machine, whoever started it. */
export function listRedisServerPids(): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter(
      (pid) =>
        readCommandLine(pid)?.startsWith('redis-server') || readCommandLine(pid)?.includes('/redis-server'),
    )
    .filter(isProcessAlive);
}

/** Polls until the pid is gone; returns false when it is still alive after `timeoutMs`. */
export async function waitForProcessExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** Sends a signal, ignoring a process that is already gone. */
export function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}
