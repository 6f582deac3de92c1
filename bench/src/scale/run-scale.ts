// `npm run bench -- --scale`: the scale sections named in --scale-parts, one after the other (each starts and stops
// its own clusters), their Markdown on stdout and their figures in the JSON results.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MachineInfo } from '../machine.js';
import type { BenchOptions } from '../options.js';
import { BENCH_DIR } from '../spawn.js';
import { SCALE_SECTIONS } from './sections.js';

function title(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export async function runScale(
  options: BenchOptions,
  machine: MachineInfo,
  argv: readonly string[],
): Promise<number> {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  const outFile = path.resolve(options.out ?? path.join(BENCH_DIR, 'results', 'scale.json'));
  const markdown: string[] = [];
  const figures: Record<string, unknown> = {};
  const seconds: Record<string, number> = {};
  let failed = 0;
  for (const name of options.scaleParts) {
    const load = SCALE_SECTIONS[name];
    if (load === undefined) continue;
    const sectionStarted = Date.now();
    console.log(`bench: scale section '${name}' [${elapsed()}]`);
    try {
      const section = await load();
      const report = await section.run({ options, progress: (line) => console.error(line) });
      markdown.push(`### ${title(name)}`, '', report.markdown, '');
      figures[name] = report.figures;
    } catch (error) {
      failed++;
      console.error(`bench: scale section '${name}' failed: ${(error as Error).stack ?? String(error)}`);
    }
    seconds[name] = Math.round((Date.now() - sectionStarted) / 1000);
  }
  const command = `npm run bench -- ${argv.join(' ')}`;
  console.log('');
  console.log('## Scale (issue 23)');
  console.log('');
  console.log(
    `\`${command}\`: ${elapsed()} (${Object.entries(seconds)
      .map(([name, s]) => `${name} ${s} s`)
      .join(', ')})`,
  );
  console.log('');
  console.log(markdown.join('\n'));
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(
    outFile,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        command,
        machine: { ...machine, loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100) },
        options,
        seconds,
        scale: figures,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`bench: wrote ${path.relative(process.cwd(), outFile)} in ${elapsed()}`);
  return failed > 0 ? 1 : 0;
}
