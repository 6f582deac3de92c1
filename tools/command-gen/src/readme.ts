// The client README's list of the commands without a typed method, and why: written between two markers, so the
// list follows the specs like the rest of the generated code.
import type { CommandSet } from './spec.js';
import {
  commandsWithMethods,
  commandsWithoutMethods,
  EXCLUSION_REASONS,
  type Exclusion,
  methodNameOf,
} from './surface.js';

export const README_FILE = 'libs/client/README.md';
const START = '<!-- commands-without-methods:start (written by tools/command-gen) -->';
const END = '<!-- commands-without-methods:end -->';

const ORDER: readonly Exclusion[] = [
  'admin',
  'connection-state',
  'subscription',
  'transaction',
  'internal',
  'help',
  'sentinel',
];

/** `ACL (DELUSER, DRYRUN), BGSAVE, ...`: subcommands grouped under their container. */
function listOf(names: readonly string[]): string {
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const [top, sub] = name.split(' ');
    if (!groups.has(top!)) groups.set(top!, []);
    if (sub !== undefined) groups.get(top!)!.push(sub);
  }
  return [...groups]
    .map(([top, subs]) => (subs.length === 0 ? top : `${top} (${subs.join(', ')})`))
    .join(', ');
}

/** Prose wrapped at the README's width. */
function wrap(text: string, width = 115): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * The section's text, markers included. `handWritten` are the hand-written methods: an admin command that has one
 * anyway (CONFIG GET: `configGet`) is not listed.
 */
export function readmeSection(set: CommandSet, handWritten: ReadonlySet<string>): string {
  const byReason = new Map<Exclusion, string[]>();
  for (const [command, exclusion] of commandsWithoutMethods(set)) {
    if (handWritten.has(methodNameOf(command.name))) continue;
    if (!byReason.has(exclusion)) byReason.set(exclusion, []);
    byReason.get(exclusion)!.push(command.name);
  }
  const typed =
    [...commandsWithMethods(set)].length +
    [...commandsWithoutMethods(set)].filter(([command]) => handWritten.has(methodNameOf(command.name)))
      .length;
  const lines = [
    START,
    '',
    ...wrap(
      `Of the commands of ${set.sources.map((s) => s.name).join(' and ')}, ${typed} have a typed method. These ` +
        'stay behind `call()` (the admin ones are those the server flags ADMIN; `@dangerous` alone, as KEYS, SORT, ' +
        'FLUSHALL or MIGRATE, does not keep a command from having a method):',
    ),
    '',
    '| why | commands |',
    '| --- | --- |',
  ];
  for (const reason of ORDER) {
    const names = byReason.get(reason);
    if (names) lines.push(`| ${EXCLUSION_REASONS[reason]} | ${listOf(names)} |`);
  }
  lines.push('', END);
  return lines.join('\n');
}

/** The README with its section replaced; throws when the markers are missing. */
export function withReadmeSection(readme: string, set: CommandSet, handWritten: ReadonlySet<string>): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${README_FILE} has no ${START} ... ${END} section`);
  return readme.slice(0, start) + readmeSection(set, handWritten) + readme.slice(end + END.length);
}
