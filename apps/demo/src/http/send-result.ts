import type { FastifyReply } from 'fastify';
import type { HttpResult } from './demo-api.js';

/** Sends what a route of the `DemoApi` answered; the NestJS and the Fastify servers both reply through it. */
export function sendResult(reply: FastifyReply, result: HttpResult): FastifyReply {
  if (result.headers) reply.headers(result.headers);
  return reply.code(result.status).send(result.body);
}
