// `npm run chaos [-- --soak 10m] [vitest options]`: the full form of the suite, or a soak of the given length.
// Environment knobs (CHAOS_SCENARIOS, CHAOS_CALLERS, CHAOS_PEERS, CHAOS_SEED...) pass through; see README.md.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `10m`, `90s`, `1h` or a number of ms. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`--soak: expected a duration such as 10m, 90s or 1h, got '${text}'`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] ?? 'ms']!;
  return Math.round(Number(match[1]) * unit);
}

function main(argv: string[]): void {
  const args = [...argv];
  const env: NodeJS.ProcessEnv = { ...process.env, CHAOS_FULL: process.env.CHAOS_FULL ?? '1' };
  let config = 'vitest.config.ts';
  const soak = args.indexOf('--soak');
  if (soak !== -1) {
    const value = args[soak + 1];
    if (value === undefined) throw new Error('--soak needs a duration, e.g. --soak 10m');
    env.CHAOS_SOAK_MS = String(parseDuration(value));
    args.splice(soak, 2);
    config = 'vitest.soak.config.ts';
  }
  const here = path.dirname(fileURLToPath(import.meta.url));
  // The package's bin, next to its package.json (the exports map does not expose it).
  const vitest = path.join(
    path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
    'vitest.mjs',
  );
  const child = spawn(process.execPath, [vitest, 'run', '--config', path.join(here, '..', config), ...args], {
    stdio: 'inherit',
    env,
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
