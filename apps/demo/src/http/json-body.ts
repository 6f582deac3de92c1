import { ValidationError } from '../links/validation.js';

type Done = (error: Error | null, value?: unknown) => void;
type BodyParser = (request: unknown, body: string | Buffer, done: Done) => void;

/**
 * The JSON body parser both servers use: Fastify's own (with its prototype-poisoning checks), whose failures
 * become a `ValidationError` of the field `body`. A body that is not JSON is then answered like any other bad
 * input, 400 naming the field, by the plain Fastify server and by NestJS alike (each framework would otherwise
 * answer in its own format).
 *
 * Typed structurally: NestJS's Fastify adapter may bring its own copy of Fastify.
 */
export function jsonBodyParser(fastify: {
  getDefaultJsonParser(onProtoPoisoning: 'error', onConstructorPoisoning: 'error'): unknown;
}): BodyParser {
  const parse = fastify.getDefaultJsonParser('error', 'error') as BodyParser;
  return (request, body, done) =>
    parse(request, body, (error, value) => {
      if (error) done(new ValidationError('body', reason(error)));
      else done(null, value);
    });
}

function reason(error: Error): string {
  switch ((error as { code?: string }).code) {
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the body is empty but the content-type is application/json: send a JSON object';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'the body is not valid JSON';
    default:
      return `the body is not acceptable JSON: ${error.message}`;
  }
}
