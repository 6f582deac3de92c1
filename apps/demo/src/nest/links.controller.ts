import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendResult as send } from '../http/send-result.js';
import { STATUS_PAGE } from '../http/status-page.js';
import { DemoApiService } from './demo-api.service.js';
import { DemoThrottlerGuard } from './demo-throttler.guard.js';

/** The demo's routes on NestJS; every answer comes from the shared `DemoApi`, as on the Fastify server. */
@Controller()
export class LinksController {
  constructor(private readonly api: DemoApiService) {}

  @Get()
  statusPage(@Res() reply: FastifyReply): void {
    reply.type('text/html; charset=utf-8').send(STATUS_PAGE);
  }

  /** Throttled per client (`@nestjs/throttler` on the shared connection). */
  @Post('links')
  @UseGuards(DemoThrottlerGuard)
  async create(@Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.api.createLink(body));
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

  @Get('metrics')
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.api.metrics());
  }

  @Get('admin')
  async admin(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.api.adminPage(request));
  }

  @Post('admin/login')
  async adminLogin(
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    send(reply, await this.api.adminLogin(request, body));
  }

  @Post('admin/logout')
  async adminLogout(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.api.adminLogout(request));
  }
}
