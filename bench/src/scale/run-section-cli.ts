/**
 * Runs one scale section on its own (`npm run bench -- --scale-parts values` runs it with the others' runner):
 * `node --conditions=@keyslot/source --import tsx bench/src/scale/run-section-cli.ts <values|limit> [bench options]`
 * (from the repository root; `--rounds`, `--warmup`, `--duration`, `--clients`, `--server` as for `npm run bench`).
 * Prints the section's Markdown and writes its figures to `bench/results/scale-<name>.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseOptions } from '../options.js';
import { BENCH_DIR } from '../spawn.js';
import { limitSection } from './limit.js';
import type { ScaleSection } from './scale-section.js';
import { valuesSection } from './values.js';

const SECTIONS: Record<string, ScaleSection> = { values: valuesSection, limit: limitSection };

const [name, ...rest] = process.argv.slice(2);
const section = name === undefined ? undefined : SECTIONS[name];
const options = section ? parseOptions(rest, process.env) : undefined;
if (section === undefined || options === undefined || options === 'help') {
  console.error(`usage: run-section-cli.ts <${Object.keys(SECTIONS).join('|')}> [bench options]`);
  process.exit(2);
}
const started = Date.now();
const report = await section.run({
  options,
  progress: (line) => console.error(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${line}`),
});
console.log(report.markdown);
const out = path.join(BENCH_DIR, 'results', `scale-${section.name}.json`);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), argv: process.argv.slice(2), options, figures: report.figures }, null, 2)}\n`,
);
console.error(
  `wrote ${path.relative(process.cwd(), out)} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
