import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runApiReports } from '../src/api-report.js';
import { publishedLibraries, workspaceRoot } from '../src/libraries.js';

// `npm test` builds the libraries before Vitest runs, so dist/ holds the declarations a user would get.
describe('API reports', () => {
  it('every entry point of every published library matches its committed report (npm run api:update to accept)', () => {
    const results = runApiReports({ update: false });
    const expected = publishedLibraries().flatMap((library) => library.entryPoints);
    expect(results).toHaveLength(expected.length);
    const problems = results.flatMap((result) => [
      ...result.errors,
      ...(result.changed
        ? [`${result.entryPoint} differs from ${relative(workspaceRoot, result.reportPath)}`]
        : []),
    ]);
    expect(problems).toEqual([]);
  }, 180_000);
});
