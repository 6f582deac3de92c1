import { relative } from 'node:path';
import { runApiReports } from './api-report.js';
import { workspaceRoot } from './libraries.js';

// `npm run api:update`: rewrite every libs/<pkg>/api/*.api.md from the built declarations (run `npm run build`
// first). `npm run api:check`: fail when one differs; `npm test` runs the same check as a test.
const update = process.argv.includes('--update');
let failed = false;
for (const result of runApiReports({ update })) {
  const where = relative(workspaceRoot, result.reportPath);
  for (const error of result.errors) console.error(error);
  if (result.errors.length > 0) failed = true;
  if (result.changed) {
    failed = true;
    console.error(
      `${result.entryPoint}: the public API differs from ${where}; review it and run npm run api:update`,
    );
  } else {
    console.log(`${result.entryPoint}: ${update ? 'written to' : 'matches'} ${where}`);
  }
}
process.exit(failed ? 1 : 0);
