import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { frameworkError } from '../http/http-errors.js';
import { sendResult } from '../http/send-result.js';

/**
 * Answers what NestJS raises around the routes (an unknown route, a body that is not JSON, an unsupported content
 * type) in the API's format, as the plain Fastify server's error and not-found handlers do.
 */
@Catch()
export class DemoExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendResult(
      http.getResponse<FastifyReply>(),
      frameworkError(exception, http.getRequest<FastifyRequest>()),
    );
  }
}
