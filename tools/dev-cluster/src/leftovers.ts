// Cleans up after runs that crashed (or were killed) before they could stop their redis-server processes.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  isOurRedisServer,
  isProcessAlive,
  readProcStat,
  signalProcess,
  waitForProcessExit,
} from './processes.js';
import { PID_FILE, RUN_FOLDER_PREFIX, type RunOwner, readOwner } from './run-folder.js';

// A folder without an owner file may be one that another process is creating right now.
const UNOWNED_GRACE_MS = 60_000;

/** A redis-server pid recorded in a run folder, with the port its node folder is named after. */
export interface RecordedServer {
  pid: number;
  port: number;
}

/**
 * Removes run folders (`keyslot-dev-cluster-*` under os.tmpdir()) whose owner process is gone, after killing
 * the redis-server processes recorded in them. Only pids that are still a redis-server for that folder's port
 * are killed. Folders of the CLI's detached clusters are kept while any of their servers runs.
 * Returns the folders it removed.
 */
export async function cleanupLeftovers(parentDir = os.tmpdir()): Promise<string[]> {
  let entries: string[];
  try {
    entries = readdirSync(parentDir).filter((entry) => entry.startsWith(RUN_FOLDER_PREFIX));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const dir = path.join(parentDir, entry);
    if (!isLeftover(dir)) continue;
    await killRecordedServers(dir);
    rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

/** Reads the redis-server pids recorded in each node folder of a run folder. */
export function readRecordedServers(runDir: string): RecordedServer[] {
  let entries: string[];
  try {
    entries = readdirSync(runDir);
  } catch {
    return [];
  }
  const servers: RecordedServer[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const pid = Number(readFileSync(path.join(runDir, entry, PID_FILE), 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0) servers.push({ pid, port: Number(entry) });
    } catch {
      // A node folder whose server never started.
    }
  }
  return servers;
}

/** SIGKILLs every recorded server that is still one of ours, and waits until they are gone. */
export async function killRecordedServers(runDir: string): Promise<void> {
  const ours = readRecordedServers(runDir).filter((server) =>
    isOurRedisServer(server.pid, { ...server, dir: runDir }),
  );
  for (const server of ours) signalProcess(server.pid, 'SIGKILL');
  await Promise.all(ours.map((server) => waitForProcessExit(server.pid, 5_000)));
}

function isLeftover(dir: string): boolean {
  const owner = readOwner(dir);
  if (!owner) return ageMs(dir) > UNOWNED_GRACE_MS;
  if (owner.kind === 'detached') {
    return !readRecordedServers(dir).some((server) => isOurRedisServer(server.pid, { ...server, dir }));
  }
  return !isOwnerAlive(owner);
}

function isOwnerAlive(owner: Extract<RunOwner, { kind: 'process' }>): boolean {
  if (!isProcessAlive(owner.pid)) return false;
  // Same pid but another start time: the pid was reused by an unrelated process.
  return owner.startTime === undefined || readProcStat(owner.pid)?.startTime === owner.startTime;
}

function ageMs(dir: string): number {
  try {
    return Date.now() - statSync(dir).mtimeMs;
  } catch {
    return 0;
  }
}
