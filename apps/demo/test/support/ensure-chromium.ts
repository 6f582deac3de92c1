import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const INSTALL_HINT =
  "Install Debian's chromium package: `sudo apt-get update && sudo apt-get install -y chromium` (the status page test drives it with playwright-core).";

/**
 * Returns the path of Debian's Chromium. When it is missing and this process runs as root with apt-get, installs
 * the `chromium` package first (this takes a while: give the calling hook a generous timeout); otherwise throws
 * an error that says how to install it.
 */
export async function ensureChromium(): Promise<string> {
  if (isExecutable(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.getuid?.() !== 0 || !onPath('apt-get')) {
    throw new Error(`Chromium was not found at ${CHROMIUM_PATH}. ${INSTALL_HINT}`);
  }
  try {
    // Waits for another apt/dpkg run to finish rather than failing on its lock.
    await execFileAsync(
      'sh',
      [
        '-c',
        'apt-get -o DPkg::Lock::Timeout=300 update && apt-get -o DPkg::Lock::Timeout=300 install -y chromium',
      ],
      { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(
      `Installing chromium with apt-get failed: ${(stderr ?? String(error)).trim().split('\n').slice(-5).join('\n')}\n${INSTALL_HINT}`,
    );
  }
  if (!isExecutable(CHROMIUM_PATH)) {
    throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is missing. ${INSTALL_HINT}`);
  }
  return CHROMIUM_PATH;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir && isExecutable(path.join(dir, name)));
}
