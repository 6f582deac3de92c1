/**
 * Tells pushes apart the way a connection does (`answeredSubscription`), many times, for counting instructions under
 * callgrind (not a test, not a timing). Run by `bench/src/push-callgrind.sh`, which compiles it with the client of a
 * checkout to plain JavaScript.
 *
 * Kinds: `message` (a pub/sub message while a command is owed a reply), `idle` (a message while nothing is owed),
 * `answer` (a SUBSCRIBE of one channel made and answered by its push). Run twice with different `rounds`, the
 * difference of the instruction totals divided by the difference of the pushes leaves the steady cost of one.
 */
import { PromiseRequest } from '../../libs/client/src/connection/promise-request.js';
import {
  answeredSubscription,
  subscriptionRequest,
} from '../../libs/client/src/connection/subscription-replies.js';
import { encodeCommand } from '../../libs/client/src/resp/encode-command.js';

const PER_ROUND = 2_000;
const [kind = '', roundsArg = ''] = process.argv.slice(2);
const rounds = Number(roundsArg);
if (!['message', 'idle', 'answer'].includes(kind) || !Number.isSafeInteger(rounds) || rounds < 0) {
  throw new Error('usage: push-callgrind.js <message|idle|answer> <rounds>');
}

const message = ['message', 'news', 'hello'];
const answer = ['subscribe', 'news', 1];
const owed = new PromiseRequest('GET', encodeCommand('GET', ['key']), false, undefined, 'node:1', 0);
let answered = 0;
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < PER_ROUND; i++) {
    if (kind === 'message') {
      if (answeredSubscription(message, owed) !== undefined) answered++;
    } else if (kind === 'idle') {
      if (answeredSubscription(message, undefined) !== undefined) answered++;
    } else {
      const request = subscriptionRequest('SUBSCRIBE', ['news'], 'node:1', 0);
      if (answeredSubscription(answer, request) !== undefined) answered++;
    }
  }
}
const expected = kind === 'answer' ? rounds * PER_ROUND : 0;
if (answered !== expected) throw new Error(`${answered} pushes taken as answers, expected ${expected}`);
