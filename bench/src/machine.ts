import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { ServerBinary } from '@keyslot/dev-cluster';

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  /** The server the cluster ran: `redis-7.0.15 (system, /usr/bin/redis-server)`. */
  redisServer: string;
  platform: string;
  /** 1/5/15-minute load averages when the run started; anything near or above nproc means a noisy run. */
  loadAverageAtStart: number[];
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1]!.trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

export function machineInfo(server: ServerBinary): MachineInfo {
  return {
    nproc: os.availableParallelism(),
    cpuModel: cpuModel(),
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    redisServer: `${server.name} (${server.origin}, ${server.path})`,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}
