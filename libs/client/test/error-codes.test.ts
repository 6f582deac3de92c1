// Every error keyslot produces has a stable `code`, and a server's error reply never carries the command's
// arguments: Redis and Valkey echo them in some replies (an unknown command, a bad ACL rule, a missing stream
// group, an unknown CONFIG option), and keyslot redacts the echo. Checked against a real standalone server and a
// real cluster, and on the sources themselves (no plain Error anywhere in the libraries).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DevCluster, type DevStandalone, startCluster, startStandalone } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactEchoedArguments } from '../src/errors.js';
import {
  Client,
  ClusterClient,
  type ClusterConnection,
  type ConnectionManager,
  type MultiplexedConnection,
  ReplyError,
  UsageError,
} from '../src/index.js';
import { failure } from './support/failure.js';

const SECRET = 'Customer-Data-never-print-4b1d';

/** Commands whose error replies echo an argument, each with the SECRET in that argument. */
const ECHOING: { what: string; args: [string, ...string[]]; prefix: string; keeps?: string }[] = [
  {
    what: 'an unknown command echoes its arguments',
    args: ['NOSUCHCOMMAND', SECRET, 'x'],
    prefix: 'ERR',
    keeps: "'NOSUCHCOMMAND'",
  },
  { what: 'an unknown subcommand is echoed', args: ['CLIENT', SECRET], prefix: 'ERR' },
  { what: 'a bad ACL rule is echoed', args: ['ACL', 'SETUSER', 'someone', `#${SECRET}`], prefix: 'ERR' },
  { what: 'an unknown CONFIG option is echoed', args: ['CONFIG', 'SET', SECRET, '1'], prefix: 'ERR' },
  {
    what: 'a missing stream group echoes key and group',
    args: ['XREADGROUP', 'GROUP', SECRET, 'c', 'STREAMS', `{s}${SECRET}`, '>'],
    prefix: 'NOGROUP',
  },
  { what: 'an unknown client type is echoed', args: ['CLIENT', 'KILL', 'TYPE', SECRET], prefix: 'ERR' },
];

async function expectRedacted(
  conn: { call(name: string, ...args: string[]): Promise<unknown> },
  where: string,
): Promise<void> {
  for (const { what, args, prefix, keeps } of ECHOING) {
    const error = await failure(conn.call(...args));
    const context = `${where}: ${what}: ${error.message}`;
    expect(error, context).toBeInstanceOf(ReplyError);
    expect(error, context).toMatchObject({ code: 'ERR_KEYSLOT_REPLY', prefix });
    expect(error.message, context).toContain('[redacted]');
    expect(error.message, context).not.toContain(SECRET);
    expect(String(error.stack), context).not.toContain(SECRET);
    expect(JSON.stringify(error), context).not.toContain(SECRET);
    if (keeps) expect(error.message, context).toContain(keeps);
  }
  // What names only the command is kept: it is what tells the user what went wrong.
  const arity = await failure(conn.call('GET'));
  expect(arity.message).toBe("ERR wrong number of arguments for 'get' command");
}

describe('a ReplyError never carries the arguments the server echoed, on a standalone server', () => {
  let server: DevStandalone;
  let multiplexed: MultiplexedConnection;
  let manager: ConnectionManager;
  beforeAll(async () => {
    server = await startStandalone();
    const client = new Client({ host: '127.0.0.1', port: server.port });
    multiplexed = await client.getMultiplexedConnection();
    manager = await client.getConnectionManager();
  });
  afterAll(async () => {
    await multiplexed?.close();
    await manager?.close();
    await server?.stop();
  });

  it('what the server wrote is what was echoed (the test is not vacuous): the raw reply holds the secret', async () => {
    for (const { args } of ECHOING) {
      const raw = await server.admin(...args).then(
        () => '',
        (error: Error) => error.message,
      );
      expect(raw, args.join(' ')).toContain(SECRET);
    }
  });

  it('MultiplexedConnection and ConnectionManager: the echoed part is [redacted], the command name kept', async () => {
    await expectRedacted(multiplexed, 'MultiplexedConnection');
    await expectRedacted(manager, 'ConnectionManager');
  });

  it('inside a transaction: the queued command fails without its arguments, and so does EXEC', async () => {
    const tx = manager.multi();
    void tx.call('NOSUCHCOMMAND', SECRET).catch(() => {});
    const error = await failure(tx.exec());
    expect(error).toMatchObject({ code: 'ERR_KEYSLOT_REPLY', prefix: 'EXECABORT' });
    expect(error.message).not.toContain(SECRET);
    const ran = manager.multi();
    const failed = ran.call('CLIENT', 'KILL', 'TYPE', SECRET);
    const [reply] = (await ran.exec()) ?? [];
    expect(reply).toBeInstanceOf(ReplyError);
    expect((reply as ReplyError).message).not.toContain(SECRET);
    expect((await failure(failed)).message).not.toContain(SECRET);
  });
});

describe('a ReplyError never carries the arguments the server echoed, on a cluster', () => {
  let cluster: DevCluster;
  let conn: ClusterConnection;
  beforeAll(async () => {
    cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
    conn = await new ClusterClient(cluster.seeds).getConnection();
  });
  afterAll(async () => {
    conn?.destroy();
    await cluster?.stop();
  });

  it('single-slot, keyless and fanned-out commands, and each result of a batch', async () => {
    await expectRedacted(conn, 'ClusterConnection');
    // CONFIG SET fans out to every node: every node's reply is redacted.
    const fanned = await failure(conn.call('CONFIG', 'SET', SECRET, '1'));
    expect(fanned.message).not.toContain(SECRET);
    const batch = conn.batch();
    for (const { args } of ECHOING) batch.call(...args).catch(() => {});
    const results = await batch.exec();
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    for (const result of results) {
      expect(String((result as PromiseRejectedResult).reason.message)).not.toContain(SECRET);
    }
  });

  it('a transaction or a batch executed twice: UsageError with its code, nothing sent again', async () => {
    const tx = conn.multi();
    tx.incr('{u}:tx');
    await tx.exec();
    for (const again of [tx.exec(), tx.incr('{u}:tx')]) {
      const error = await failure(again);
      expect(error).toBeInstanceOf(UsageError);
      expect(error).toMatchObject({ code: 'ERR_KEYSLOT_USAGE', name: 'UsageError' });
      expect(error.message).toMatch(/already executed; start a new one with multi\(\)/);
    }
    const batch = conn.batch();
    batch.incr('{u}:batch');
    await batch.exec();
    for (const again of [batch.exec(), batch.incr('{u}:batch')]) {
      expect(await failure(again)).toMatchObject({ code: 'ERR_KEYSLOT_USAGE' });
    }
    expect(await conn.get('{u}:tx')).toBe('1');
    expect(await conn.get('{u}:batch')).toBe('1');
  });
});

describe('redactEchoedArguments, on the message templates of Redis 7 and Valkey 8', () => {
  it.each([
    [
      "ERR unknown command 'FOO', with args beginning with: 'pw' 'x' ",
      "ERR unknown command 'FOO', with args beginning with: [redacted]",
    ],
    ["ERR wrong number of arguments for 'set' command", "ERR wrong number of arguments for 'set' command"],
    ["ERR invalid expire time in 'set' command", "ERR invalid expire time in 'set' command"],
    [
      "NOPERM User app has no permissions to run the 'set' command",
      "NOPERM User app has no permissions to run the 'set' command",
    ],
    [
      "NOPERM User app has no permissions to access the 'orders:1' key",
      "NOPERM User app has no permissions to access the '[redacted]' key",
    ],
    [
      "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
      "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
    ],
    [
      "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument couldn't be parsed into an integer",
      "ERR CONFIG SET failed (possibly related to argument '[redacted]') - argument couldn't be parsed into an integer",
    ],
    ["ERR unknown type name 'it's'", "ERR unknown type name '[redacted]'"],
    [
      "OOM command not allowed when used memory > 'maxmemory'.",
      "OOM command not allowed when used memory > 'maxmemory'.",
    ],
    [
      "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
      "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
    ],
    ["ERR unknown type name 'x' y'", 'ERR unknown type name [redacted]'],
    [
      'WRONGTYPE Operation against a key holding the wrong kind of value',
      'WRONGTYPE Operation against a key holding the wrong kind of value',
    ],
  ])('%s', (message, redacted) => {
    expect(redactEchoedArguments(message)).toBe(redacted);
    expect(new ReplyError(message).message).toBe(redacted);
  });
});

describe('the libraries throw no error without a code', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  // Every library of the workspace (libs/*/src).
  const sources = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => sourceFiles(path.join(root, entry.name, 'src')));

  it('no plain Error, TypeError or RangeError is created in libs/*/src', () => {
    const offenders = sources.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, index) => [line, index] as const)
        .filter(([line]) => /new (Error|TypeError|RangeError)\(/.test(line))
        .map(([, index]) => `${path.relative(root, file)}:${index + 1}`),
    );
    expect(sources.length).toBeGreaterThan(50);
    expect(offenders).toEqual([]);
  });

  it('every error class declares a code', () => {
    const classes = sources.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/class (\w+) extends (\w*Error)\b[^{]*\{([\s\S]*?)\n\}/g)].map(
        ([, name, base, body]) => ({ name, base, body: body ?? '', file: path.relative(root, file) }),
      ),
    );
    expect(classes.length).toBeGreaterThan(10);
    const codeless = classes.filter(
      ({ name, base, body }) =>
        name !== 'KeyslotError' &&
        !/readonly code\b/.test(body) &&
        !/^(Keyslot|Reply|Connection|Timeout|Closed|Protocol|OutcomeUnknown|Config|CrossSlot|QueueFull|Cluster|Usage)Error$/.test(
          base!,
        ),
    );
    expect(codeless).toEqual([]);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}
