// Small test helpers: a one-shot raw RESP exchange that bypasses the admin client (to see what an
// unauthenticated or TLS client sees), and a runner for the CLI as a child process.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { encodeCommand, parseReply, type RespReply } from '../src/resp-connection.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const cliPath = path.join(repoRoot, 'tools/dev-cluster/src/cli.ts');

/** Opens a fresh connection, sends one command, returns the first reply (error replies are returned). */
export function rawCommand(
  port: number,
  args: string[],
  tlsOptions?: tls.ConnectionOptions,
): Promise<RespReply> {
  return new Promise((resolve, reject) => {
    const socket = tlsOptions
      ? tls.connect({ ...tlsOptions, host: '127.0.0.1', port })
      : net.connect({ host: '127.0.0.1', port });
    let buffer = Buffer.alloc(0);
    socket.setTimeout(5_000, () => socket.destroy(new Error('no reply within 5 s')));
    socket.once(tlsOptions ? 'secureConnect' : 'connect', () => socket.write(encodeCommand(args)));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const parsed = parseReply(buffer, 0);
      if (!parsed) return;
      socket.destroy();
      resolve(parsed.value);
    });
    socket.on('error', reject);
  });
}

/** Result of one CLI run. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI (`node --import tsx src/cli.ts ...args`) to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cliPath, ...args], { cwd: repoRoot, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Extracts the `REDIS_CLUSTER_NODES=` seed list the CLI prints. */
export function seedsFrom(output: string): string[] {
  const line = output.split('\n').find((candidate) => candidate.startsWith('REDIS_CLUSTER_NODES='));
  return line ? line.slice('REDIS_CLUSTER_NODES='.length).split(',') : [];
}
