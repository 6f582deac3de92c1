/**
 * Maps a position in a TypeScript file as V8 saw it (tsx's transpiled, whitespace-minified output: everything on
 * line 1) back to the TypeScript line, through the source maps tsx keeps in its cache folder. Best effort: when the
 * cache entry cannot be found or does not match the profiled code, the line is unknown.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface CacheEntry {
  code: string;
  /** Per generated line: [generatedColumn, sourceLine] pairs, sorted by column. */
  lines: Int32Array[];
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) DIGIT[BASE64.charCodeAt(i)] = i;

/** Decodes source-map `mappings` into [column, sourceLine] pairs per generated line. */
function decodeMappings(mappings: string): Int32Array[] {
  const out: Int32Array[] = [];
  let sourceLine = 0;
  for (const line of mappings.split(';')) {
    const pairs: number[] = [];
    let column = 0;
    for (const segment of line.split(',')) {
      if (segment === '') continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (let i = 0; i < segment.length; i++) {
        const digit = DIGIT[segment.charCodeAt(i)]!;
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += fields[0] ?? 0;
      if (fields.length >= 4) {
        sourceLine += fields[2]!;
        pairs.push(column, sourceLine);
      }
    }
    out.push(Int32Array.from(pairs));
  }
  return out;
}

function tsxCacheDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return path.join(os.tmpdir(), `tsx-${uid}`);
}

let index: Map<string, CacheEntry[]> | undefined;

function loadIndex(): Map<string, CacheEntry[]> {
  if (index) return index;
  index = new Map();
  const dir = tsxCacheDir();
  let files: string[] = [];
  try {
    files = readdirSync(dir);
  } catch {
    return index;
  }
  for (const name of files) {
    try {
      const entry = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as {
        code?: string;
        map?: string | { sources?: string[]; mappings?: string };
      };
      const map = typeof entry.map === 'string' ? JSON.parse(entry.map) : entry.map;
      const source = map?.sources?.[0];
      if (typeof entry.code !== 'string' || typeof source !== 'string' || typeof map.mappings !== 'string')
        continue;
      const list = index.get(source) ?? [];
      list.push({ code: entry.code, lines: decodeMappings(map.mappings) });
      index.set(source, list);
    } catch {
      // not a transform entry
    }
  }
  return index;
}

/** Whether `name` appears just before `column` (where V8 puts a function: at its parameter list). */
function matches(code: string, column: number, name: string): boolean {
  const simple = name.replace(/^(get|set) /, '');
  const before = code.slice(Math.max(0, column - simple.length - 12), column + 2);
  // A class's constructor is named after the class.
  return before.includes(simple) || (/^[A-Z]/.test(simple) && before.includes('constructor'));
}

/**
 * Returns a function giving the 1-based TypeScript line of a profiled frame in `file` (absolute path), choosing
 * among tsx's cache entries for that file the one whose code agrees with the most named frames.
 */
export function tsLineResolver(
  file: string,
  frames: readonly { name: string; line: number; column: number }[],
): (line: number, column: number) => number | undefined {
  const candidates = loadIndex().get(file) ?? [];
  let best: CacheEntry | undefined;
  let bestScore = 0;
  const named = frames.filter((frame) => frame.name !== '' && !/^[(<]/.test(frame.name));
  for (const candidate of candidates) {
    let score = 0;
    for (const frame of named) {
      const code = frame.line === 0 ? candidate.code : candidate.code.split('\n')[frame.line];
      if (code !== undefined && matches(code, frame.column, frame.name)) score++;
    }
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  // Trust the entry only if (nearly) every named frame agrees with it.
  if (best === undefined || bestScore < Math.max(1, named.length * 0.8)) return () => undefined;
  const lines = best.lines;
  return (line, column) => {
    const pairs = lines[line];
    if (pairs === undefined || pairs.length === 0) return undefined;
    let found = -1;
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i]! <= column) found = pairs[i + 1]!;
      else break;
    }
    return found === -1 ? undefined : found + 1;
  };
}
