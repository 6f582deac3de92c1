/**
 * `npm run bench`: installs the peers on first use (bench/ is its own npm package, not a workspace), then runs
 * bench.ts. Only Node built-ins are imported before the install.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function missingPeers(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(benchDir, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  return Object.keys(manifest.devDependencies).filter(
    (name) => !existsSync(path.join(benchDir, 'node_modules', name, 'package.json')),
  );
}

const missing = missingPeers();
if (missing.length > 0) {
  console.log(`bench: installing the peers (${missing.join(', ')} missing): npm ci --prefix bench`);
  const install = spawnSync('npm', ['ci', '--prefix', benchDir, '--no-audit', '--no-fund'], {
    stdio: 'inherit',
  });
  if (install.status !== 0) {
    console.error('bench: npm ci --prefix bench failed');
    process.exit(install.status ?? 1);
  }
}

const { main } = await import('./bench.js');
process.exitCode = await main(process.argv.slice(2));
