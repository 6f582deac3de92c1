/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and lists the functions with the most self time, optionally
 * only within a time window (process.hrtime in µs, the clock V8 stamps its samples with):
 *
 *   node --import tsx bench/src/profile-summary.ts FILE.cpuprofile [--top 25] [--from US --to US]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsLineResolver } from './tsx-lines.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  name: string;
  /** `file:line` (repo-relative for the project's files), or a V8 pseudo-entry such as `(garbage collector)`. */
  location: string;
  selfMs: number;
  selfPercent: number;
  /** Inclusive time: the samples with this function anywhere on the stack. */
  totalMs: number;
  totalPercent: number;
}

export interface FileTime {
  file: string;
  selfMs: number;
  selfPercent: number;
}

export interface ProfileSummary {
  file: string;
  /** Sampled time considered, in ms. */
  sampledMs: number;
  samples: number;
  /** Whether the samples were cut to the given window (false: the window did not overlap; whole profile used). */
  windowed: boolean;
  top: FunctionTime[];
  byFile: FileTime[];
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function shortUrl(url: string): string {
  if (url === '') return '';
  let file = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (file.startsWith(REPO_ROOT + path.sep)) file = path.relative(REPO_ROOT, file);
  return file;
}

/** `file:line`; TypeScript files run through tsx are mapped back to their own lines when possible. */
function locator(nodes: readonly ProfileNode[]): (frame: CallFrame) => string {
  const resolvers = new Map<string, (line: number, column: number) => number | undefined>();
  const framesByUrl = new Map<string, { name: string; line: number; column: number }[]>();
  for (const { callFrame } of nodes) {
    if (!/\.[cm]?ts$/.test(callFrame.url)) continue;
    const list = framesByUrl.get(callFrame.url) ?? [];
    list.push({ name: callFrame.functionName, line: callFrame.lineNumber, column: callFrame.columnNumber });
    framesByUrl.set(callFrame.url, list);
  }
  return (frame) => {
    const file = shortUrl(frame.url);
    if (file === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
    if (!framesByUrl.has(frame.url)) return `${file}:${frame.lineNumber + 1}`;
    let resolve = resolvers.get(frame.url);
    if (resolve === undefined) {
      const absolute = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
      resolve = tsLineResolver(absolute, framesByUrl.get(frame.url)!);
      resolvers.set(frame.url, resolve);
    }
    const line = resolve(frame.lineNumber, frame.columnNumber);
    return line === undefined ? file : `${file}:${line}`;
  };
}

function nameOf(frame: CallFrame): string {
  return frame.functionName === '' ? '(anonymous)' : frame.functionName;
}

export function summarizeProfile(
  file: string,
  options: { top?: number; fromUs?: number; toUs?: number } = {},
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  }
  const locationOf = locator(profile.nodes);
  const keyOf = (node: ProfileNode) => `${nameOf(node.callFrame)}\u0000${locationOf(node.callFrame)}`;

  // Timestamp of each sample; a sample lasts until the next one (the last gets the profile's end).
  const count = profile.samples.length;
  const stamps = new Float64Array(count);
  let t = profile.startTime;
  for (let i = 0; i < count; i++) {
    t += profile.timeDeltas[i] ?? 0;
    stamps[i] = t;
  }
  const from = options.fromUs ?? Number.NEGATIVE_INFINITY;
  const to = options.toUs ?? Number.POSITIVE_INFINITY;
  const overlaps = from < profile.endTime && to > profile.startTime;
  const windowed = overlaps && (options.fromUs !== undefined || options.toUs !== undefined);

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const perFile = new Map<string, number>();
  let sampledUs = 0;
  let samples = 0;
  for (let i = 0; i < count; i++) {
    const stamp = stamps[i]!;
    if (overlaps && (stamp < from || stamp > to)) continue;
    const duration = (i + 1 < count ? stamps[i + 1]! : profile.endTime) - stamp;
    if (duration <= 0) continue;
    const node = byId.get(profile.samples[i]!);
    if (node === undefined) continue;
    sampledUs += duration;
    samples++;
    const key = keyOf(node);
    self.set(key, (self.get(key) ?? 0) + duration);
    const fileKey = shortUrl(node.callFrame.url) || nameOf(node.callFrame);
    perFile.set(fileKey, (perFile.get(fileKey) ?? 0) + duration);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parentOf.get(id)) {
      const ancestor = byId.get(id)!;
      const ancestorKey = keyOf(ancestor);
      if (seen.has(ancestorKey)) continue;
      seen.add(ancestorKey);
      total.set(ancestorKey, (total.get(ancestorKey) ?? 0) + duration);
    }
  }
  const percent = (us: number) => (sampledUs === 0 ? 0 : Math.round((us / sampledUs) * 1000) / 10);
  const ms = (us: number) => Math.round(us / 100) / 10;
  const top = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, options.top ?? 25)
    .map(([key, us]) => {
      const [name, location] = key.split('\u0000') as [string, string];
      const inclusive = total.get(key) ?? us;
      return {
        name,
        location,
        selfMs: ms(us),
        selfPercent: percent(us),
        totalMs: ms(inclusive),
        totalPercent: percent(inclusive),
      };
    });
  const byFile = [...perFile.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([name, us]) => ({ file: name, selfMs: ms(us), selfPercent: percent(us) }));
  return { file, sampledMs: ms(sampledUs), samples, windowed, top, byFile };
}

export function formatProfileSummary(summary: ProfileSummary): string {
  const lines = [
    `${path.basename(summary.file)}: ${summary.samples} samples, ${summary.sampledMs} ms${summary.windowed ? ' (measured window only)' : ' (whole process)'}`,
    '',
    '| # | self % | self ms | total % | function | where |',
    '| ---: | ---: | ---: | ---: | --- | --- |',
    ...summary.top.map(
      (row, i) =>
        `| ${i + 1} | ${row.selfPercent.toFixed(1)} | ${row.selfMs} | ${row.totalPercent.toFixed(1)} | \`${row.name}\` | ${row.location} |`,
    ),
    '',
    'Self time by file:',
    '',
    '| self % | self ms | file |',
    '| ---: | ---: | --- |',
    ...summary.byFile.map((row) => `| ${row.selfPercent.toFixed(1)} | ${row.selfMs} | ${row.file} |`),
  ];
  return lines.join('\n');
}

function main(argv: string[]): void {
  const files: string[] = [];
  let top = 25;
  let fromUs: number | undefined;
  let toUs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--top') top = Number(argv[++i]);
    else if (arg === '--from') fromUs = Number(argv[++i]);
    else if (arg === '--to') toUs = Number(argv[++i]);
    else files.push(arg);
  }
  if (files.length === 0) {
    console.error('usage: profile-summary.ts FILE.cpuprofile... [--top 25] [--from US --to US]');
    process.exitCode = 2;
    return;
  }
  for (const file of files) {
    console.log(formatProfileSummary(summarizeProfile(file, { top, fromUs, toUs })));
    console.log('');
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  main(process.argv.slice(2));
