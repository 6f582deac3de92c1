import { Body, Controller, Get, Headers, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendResult as send } from '../http/send-result.js';
import { STATUS_PAGE } from '../http/status-page.js';
import { DemoApiService } from './demo-api.service.js';

/** The demo's routes on NestJS; every answer comes from the shared `DemoApi`, as on the Fastify server. */
@Controller()
export class LinksController {
  constructor(private readonly api: DemoApiService) {}

  @Get()
  statusPage(@Res() reply: FastifyReply): void {
    reply.type('text/html; charset=utf-8').send(STATUS_PAGE);
  }

  @Post('links')
  async create(
    @Body() body: unknown,
    @Headers('x-client-id') clientId: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    send(reply, await this.api.createLink(body, clientId ?? request.ip));
  }

  @Post('links/lookup')
  async lookup(@Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.api.lookup(body));
  }

  @Get('links/:code')
  async resolve(@Param('code') code: string, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.api.resolveLink(code));
  }

  @Get('links/:code/info')
  async info(@Param('code') code: string, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.api.linkInfo(code));
  }

  @Get('leaderboard')
  async leaderboard(@Query('limit') limit: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.api.leaderboard(limit));
  }

  @Get('cluster')
  async cluster(@Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.api.cluster());
  }

  @Get('health')
  async health(@Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.api.health());
  }
}
