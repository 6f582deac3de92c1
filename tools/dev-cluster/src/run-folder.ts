// Every cluster or standalone server lives in its own temp folder under os.tmpdir(), named with a known prefix
// and holding the owner's pid, so a later run can find and clean up what a crashed run left behind.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readProcStat } from './processes.js';

/** Prefix of every run folder under os.tmpdir(). */
export const RUN_FOLDER_PREFIX = 'keyslot-dev-cluster-';
/** File in the run folder naming the Node process that owns it, or `detached`. */
export const OWNER_FILE = 'owner.pid';
/** File in each node folder holding the redis-server pid. */
export const PID_FILE = 'redis.pid';
/** Owner file content for a cluster the CLI left running: its state file owns it. */
export const DETACHED_OWNER = 'detached';

/** Who owns a run folder: a live Node process (pid and start time, to survive pid reuse) or the CLI state file. */
export type RunOwner = { kind: 'process'; pid: number; startTime: string | undefined } | { kind: 'detached' };

/** Creates a fresh run folder owned by this process. */
export function createRunFolder(parentDir = os.tmpdir()): string {
  const dir = mkdtempSync(path.join(parentDir, RUN_FOLDER_PREFIX));
  writeOwner(dir, currentProcessOwner());
  return dir;
}

/** The owner record for this process. */
export function currentProcessOwner(): RunOwner {
  return { kind: 'process', pid: process.pid, startTime: readProcStat(process.pid)?.startTime };
}

export function writeOwner(dir: string, owner: RunOwner): void {
  const text = owner.kind === 'detached' ? `${DETACHED_OWNER}\n` : `${owner.pid}\n${owner.startTime ?? ''}\n`;
  writeFileSync(path.join(dir, OWNER_FILE), text);
}

/** Reads the owner file; undefined when it is missing or unreadable. */
export function readOwner(dir: string): RunOwner | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(dir, OWNER_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const [first = '', second = ''] = text.split('\n').map((line) => line.trim());
  if (first === DETACHED_OWNER) return { kind: 'detached' };
  const pid = Number(first);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { kind: 'process', pid, startTime: second || undefined };
}

/** Folder of one node inside a run folder, named after its port. */
export function nodeFolder(runDir: string, port: number): string {
  return path.join(runDir, String(port));
}
