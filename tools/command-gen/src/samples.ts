// Sample invocations of every command that has keys, for the client's table-driven routing test: the required
// arguments only, with placeholder values of the right type and `$key0`, `$key1`... where keys go. A sample need
// not succeed (a type error is fine): it must pass the server's arity check and reach the node that owns its keys.
import { literal } from './emit.js';
import type { Command, CommandSet, RawArgument } from './spec.js';
import { allCommands } from './spec.js';

/** Commands with keys that a routing test must not send through `call()`, and why. */
const UNSAMPLED: Readonly<Record<string, string>> = {
  WATCH: 'holds state on the connection (transactions have watch())',
  SSUBSCRIBE: 'turns the connection into a subscriber',
  SUNSUBSCRIBE: 'belongs to a subscribed connection',
};

interface Sampler {
  keys: number;
  /** How many items a repeated argument gets (1 for the routing sample, 2 for the multi-key one). */
  repeat: number;
}

function placeholderOf(arg: RawArgument): string | number {
  const name = arg.name.toLowerCase();
  switch (arg.type) {
    case 'integer':
      // Port 1 for MIGRATE: nothing listens there, so it fails at once instead of moving the key.
      return 1;
    case 'double':
      // Blocking commands take their timeout in seconds: 10 ms keeps the sample short.
      return name === 'timeout' ? 0.01 : 1;
    case 'unix-time':
      return 1;
    case 'pattern':
      return '*';
    default:
      return name === 'host' ? '127.0.0.1' : 'v';
  }
}

function sampleArgs(args: readonly RawArgument[], sampler: Sampler, out: (string | number)[]): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.optional) continue;
    const next = args[i + 1];
    // `numkeys key [key ...]`: the count of what follows.
    if (arg.type === 'integer' && /^num/.test(arg.name) && next?.multiple && !next.optional) {
      out.push(sampler.repeat);
      continue;
    }
    const times = arg.multiple ? sampler.repeat : 1;
    for (let n = 0; n < times; n++) sampleOne(arg, sampler, out);
  }
}

function sampleOne(arg: RawArgument, sampler: Sampler, out: (string | number)[]): void {
  if (arg.token && arg.type !== 'pure-token') out.push(arg.token);
  switch (arg.type) {
    case 'pure-token':
      out.push(arg.token!);
      return;
    case 'key':
      out.push(`$key${sampler.keys++}`);
      return;
    case 'oneof':
      sampleOne(arg.arguments![0]!, sampler, out);
      return;
    case 'block':
      sampleArgs(arg.arguments ?? [], sampler, out);
      return;
    default:
      out.push(placeholderOf(arg));
  }
}

/** The sample of one command with `repeat` items per repeated argument, or undefined when it has no key. */
function sampleOf(command: Command, repeat: number): { args: (string | number)[]; keys: number } | undefined {
  const sampler: Sampler = { keys: 0, repeat };
  const args: (string | number)[] = command.subcommand ? [command.subcommand] : [];
  sampleArgs(command.spec.arguments ?? [], sampler, args);
  return sampler.keys === 0 ? undefined : { args, keys: sampler.keys };
}

/** `libs/client/test/generated/command-samples.ts`. */
export function emitSamples(set: CommandSet, header: string): string {
  const lines: string[] = [
    header,
    '',
    '/** One command with keys, as its spec allows it at least: where its keys are is marked `$key0`, `$key1`... */',
    'export interface CommandSample {',
    '  /** The command as sent: `GET`, or the container of a subcommand (`OBJECT`). */',
    '  readonly name: string;',
    '  /** The full name: `GET`, `OBJECT ENCODING`. */',
    '  readonly command: string;',
    '  /** One key per repeated key argument. */',
    '  readonly args: readonly (string | number)[];',
    '  /** Two items per repeated argument (so two keys or more), when the command can take several keys. */',
    '  readonly multiKeyArgs?: readonly (string | number)[];',
    '}',
    '',
    '/** Every command of the table that has keys (but those that change the connection: WATCH, SSUBSCRIBE...). */',
    'export const COMMAND_SAMPLES: readonly CommandSample[] = [',
  ];
  for (const command of allCommands(set)) {
    if (command.subcommands.size > 0 || UNSAMPLED[command.name]) continue;
    if (!(command.spec.key_specs ?? []).length) continue;
    const one = sampleOf(command, 1);
    if (one === undefined) continue;
    const two = sampleOf(command, 2);
    const entry: Record<string, unknown> = {
      name: command.container ?? command.name,
      command: command.name,
      args: one.args,
    };
    if (two && two.keys >= 2) entry.multiKeyArgs = two.args;
    lines.push(`  ${literal(entry)},`);
  }
  lines.push('];', '');
  return lines.join('\n');
}
