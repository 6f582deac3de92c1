// Which client suites run on every server found (the per-server Vitest projects) and must name their server in
// each test title: the cluster, standalone and command suites, and the security and stuck-connection suites
// that run against real servers. Others (unit tests, hostile fake servers) run once, on the default server.
const SERVER_SUITE_PREFIXES = ['cluster-', 'commands-', 'security-', 'standalone-', 'stuck-connections'];

/** Globs of the server suites, relative to libs/client. */
export const SERVER_SUITES = SERVER_SUITE_PREFIXES.map((prefix) => `test/${prefix}*.test.ts`);

/** True when the test file is one of the server suites. */
export function isServerSuite(file: string): boolean {
  const match = /(?:^|\/)test\/([^/]+)\.test\.ts$/.exec(file);
  return match !== null && SERVER_SUITE_PREFIXES.some((prefix) => match[1]!.startsWith(prefix));
}
