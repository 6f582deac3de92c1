// What a server binary says it is: `Redis server v=7.4.1 ...` or `Valkey server v=8.0.1 ...`.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ServerFamily } from './server-sources.js';

const execFileAsync = promisify(execFile);

/** Runs `<binary> --version` and reads the family and version from it. */
export async function readServerVersion(binary: string): Promise<{ family: ServerFamily; version: string }> {
  const { stdout } = await execFileAsync(binary, ['--version']);
  return parseServerVersion(stdout, binary);
}

/** Reads the family and version from `--version` output. */
export function parseServerVersion(
  output: string,
  binary = 'the server',
): { family: ServerFamily; version: string } {
  const match = /^(Redis|Valkey) server v=(\d+\.\d+\.\d+)/i.exec(output.trim());
  if (!match) throw new Error(`Could not read the version of ${binary} from: ${output.trim()}`);
  return { family: match[1]!.toLowerCase() as ServerFamily, version: match[2]! };
}
