// Run by the packed-libraries test in a scratch CommonJS app outside the workspace (NestJS 10, Fastify 5): the
// packages are loaded with require() (Node 20.19+ loads their ESM), against the cluster in REDIS_CLUSTER_NODES.
import 'reflect-metadata';
import { strict as assert } from 'node:assert';
import { ClusterClient, ClusterConnection } from '@keyslot/client';
import { keyslot } from '@keyslot/fastify';
import { KeyslotModule, ClusterConnection as NestClusterConnection } from '@keyslot/nestjs';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Fastify from 'fastify';

async function main(): Promise<void> {
  const nodes = (process.env.REDIS_CLUSTER_NODES ?? '').split(',').filter(Boolean);
  assert.ok(nodes.length > 0, 'REDIS_CLUSTER_NODES is not set');
  assert.equal(typeof require, 'function', 'this file runs as CommonJS');
  const key = `smoke-cjs:${process.pid}`;

  const redis = await new ClusterClient(nodes).getConnection();
  await redis.set(key, 'cjs');
  console.log('ok client');

  class AppModule {}
  Module({ imports: [KeyslotModule.forRoot({ nodes })] })(AppModule);
  const nest = await NestFactory.createApplicationContext(AppModule, { logger: false });
  const provided = nest.get(NestClusterConnection);
  assert.ok(provided instanceof ClusterConnection, 'the module provides the class the app imports');
  assert.equal(await provided.get(key), 'cjs');
  await nest.close();
  console.log('ok nestjs');

  const app = Fastify();
  await app.register(keyslot, { client: redis });
  app.get('/value', () => app.redis.get(key));
  assert.equal((await app.inject({ url: '/value' })).body, 'cjs');
  await app.close();
  console.log('ok fastify');

  await redis.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
