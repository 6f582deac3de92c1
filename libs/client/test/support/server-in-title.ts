// Setup file of the client's Vitest projects: a test of the server suites whose title does not name its server
// fails, so that the same test run on two servers never shows up twice under one name.
import { beforeEach } from 'vitest';
import { serverTag } from './server.js';
import { isServerSuite } from './server-suites.js';

beforeEach(({ task }) => {
  if (!isServerSuite(task.file.filepath) || task.fullName.includes(serverTag())) return;
  throw new Error(
    `"${task.fullName}" does not name the server it runs on: title its describe with onServer('…') from test/support/server.ts`,
  );
});
