// Moments the servers themselves log, with millisecond timestamps: more exact than polling them from a process
// whose event loop is busy with the load.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// `6737:S 26 Nov 2026 02:55:09.812 # Failover election won: I'm the new master.`
const LINE = /^\d+:[A-Z] (\d{1,2}) (\w{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2})\.(\d{3}) . (.*)$/;

/**
 * The time (ms since the epoch) of the first line of `node`'s redis.log at or after `after` whose message matches
 * `pattern`, or `undefined` when there is none (yet).
 */
export function loggedAt(nodeDir: string, pattern: RegExp, after: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(nodeDir, 'redis.log'), 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (!match || !pattern.test(match[8]!)) continue;
    const [, day, month, year, hours, minutes, seconds, ms] = match;
    const at = new Date(
      Number(year),
      MONTHS.indexOf(month!),
      Number(day),
      Number(hours),
      Number(minutes),
      Number(seconds),
      Number(ms),
    ).getTime();
    // The log has whole milliseconds; allow for the rounding.
    if (at >= after - 1) return at;
  }
  return undefined;
}
