import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Library } from './libraries.js';
import { SNIPPET_CONTEXT } from './snippet-context.js';

/** One ```ts block of a library's README, made into a module a scratch app can typecheck. */
export interface ReadmeSnippet {
  /** `nestjs-3`: the library and the block's position in its README. */
  id: string;
  library: string;
  /** The block as written. */
  code: string;
  /** The declarations it takes from the surrounding prose (see snippet-context.ts), then the block. */
  module: string;
  /** The packages it imports, its context's imports included. */
  packages: string[];
}

const FENCE = /^```ts\n([\s\S]*?)^```$/gm;

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function declares(code: string, name: string): boolean {
  const word = `\\b${name}\\b`;
  return (
    new RegExp(`^import [^;]*${word}[^;]*from`, 'm').test(code) ||
    new RegExp(`^(export )?(const|let|class|function|async function) ${name}\\b`, 'm').test(code)
  );
}

/** The ```ts blocks of `library`'s README, each with what it needs of its context. */
export function readmeSnippets(library: Library): ReadmeSnippet[] {
  const readme = readFileSync(join(library.dir, 'README.md'), 'utf8');
  const context = SNIPPET_CONTEXT[library.shortName] ?? [];
  return [...readme.matchAll(FENCE)].map((match, index) => {
    const code = match[1] ?? '';
    const preamble = context
      .filter((entry) => (entry.when === undefined || entry.when.test(code)) && !declares(code, entry.name))
      .filter((entry) => new RegExp(`(?<![\\w/.'"])${entry.name}(?![\\w/'"])`).test(code))
      .map((entry) => entry.declaration);
    const module = [...preamble, code, 'export {};', ''].join('\n');
    const packages = [...module.matchAll(/from '([^']+)'|import\('([^']+)'\)/g)].map((m) =>
      packageOf(m[1] ?? m[2] ?? ''),
    );
    return {
      id: `${library.shortName}-${index + 1}`,
      library: library.name,
      code,
      module,
      packages: [...new Set(packages)],
    };
  });
}
