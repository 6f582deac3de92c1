// Run by the packed-libraries test in a scratch ESM app outside the workspace (NestJS 11, Fastify 5, BullMQ, Keyv,
// the session store and OpenTelemetry), compiled by that app's TypeScript, against a real cluster given in
// REDIS_CLUSTER_NODES. Prints one `ok <check>` line per check and exits non-zero on the first failure.
import 'reflect-metadata';
import { strict as assert } from 'node:assert';
import { bullmqConnection } from '@keyslot/bullmq';
import { ClusterClient, ClusterConnection } from '@keyslot/client';
import { keyslot } from '@keyslot/fastify';
import { KeyslotKeyvStore } from '@keyslot/keyv';
import { KeyslotModule, ClusterConnection as NestClusterConnection } from '@keyslot/nestjs';
import { KeyslotInstrumentation } from '@keyslot/otel';
import { KeyslotSessionStore } from '@keyslot/session';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type Tracer, type TracerProvider, trace } from '@opentelemetry/api';
import { Queue, QueueEvents, Worker } from 'bullmq';
import Fastify from 'fastify';
import Keyv from 'keyv';

const nodes = (process.env.REDIS_CLUSTER_NODES ?? '').split(',').filter(Boolean);
assert.ok(nodes.length > 0, 'REDIS_CLUSTER_NODES is not set');
const run = `smoke:${process.pid}`;

// OpenTelemetry: a tracer provider that records span names, handed to the instrumentation.
const spans: string[] = [];
const noop = trace.getTracerProvider().getTracer('noop');
const recording: Tracer = {
  startSpan: (name, options, context) => {
    spans.push(name);
    return noop.startSpan(name, options, context);
  },
  startActiveSpan: noop.startActiveSpan.bind(noop) as Tracer['startActiveSpan'],
};
const tracerProvider: TracerProvider = { getTracer: () => recording };
const instrumentation = new KeyslotInstrumentation({ tracerProvider });

const redis = await new ClusterClient(nodes, { password: process.env.REDIS_PASSWORD }).getConnection();
await redis.set(`${run}:{a}`, 'one');
await redis.set(`${run}:{b}`, 'two');
assert.deepEqual(await redis.mget(`${run}:{a}`, `${run}:{b}`), ['one', 'two']);
console.log('ok client');

assert.ok(spans.includes('SET'), `no SET span recorded: ${spans.join(', ')}`);
instrumentation.disable();
console.log('ok otel');

class AppModule {}
Module({ imports: [KeyslotModule.forRoot({ nodes })] })(AppModule);
const nest = await NestFactory.createApplicationContext(AppModule, { logger: false });
const provided = nest.get(NestClusterConnection);
assert.ok(provided instanceof ClusterConnection, 'the module provides the class the app imports');
assert.equal(await provided.get(`${run}:{a}`), 'one');
await nest.close();
console.log('ok nestjs');

const app = Fastify();
await app.register(keyslot, { nodes });
app.get('/value', () => app.redis.get(`${run}:{b}`));
assert.ok(app.redis instanceof ClusterConnection, 'the plugin decorates with the class the app imports');
assert.equal((await app.inject({ url: '/value' })).body, 'two');
await app.close();
const adopting = Fastify();
await adopting.register(keyslot, { client: redis });
assert.equal(adopting.redis, redis);
await adopting.close();
console.log('ok fastify');

const keyv = new Keyv({ store: new KeyslotKeyvStore(redis), namespace: run });
await keyv.set('user', { name: 'Ada' }, 60_000);
assert.deepEqual(await keyv.get('user'), { name: 'Ada' });
console.log('ok keyv');

const sessions = new KeyslotSessionStore(redis);
const session = { cookie: { maxAge: 60_000 }, user: 'ada' };
await new Promise<void>((resolve, reject) =>
  sessions.set(`${run}`, session, (error) => (error ? reject(error) : resolve())),
);
const stored = await new Promise<unknown>((resolve, reject) =>
  sessions.get(`${run}`, (error, value) => (error ? reject(error) : resolve(value))),
);
assert.equal((stored as { user?: string } | null)?.user, 'ada');
console.log('ok session');

const connection = bullmqConnection(redis);
const prefix = `{${run}}`;
const queue = new Queue('smoke', { connection, prefix });
const events = new QueueEvents('smoke', { connection, prefix });
const worker = new Worker('smoke', async (job) => `done ${job.data.n}`, { connection, prefix });
await events.waitUntilReady();
const job = await queue.add('one', { n: 1 });
assert.equal(await job.waitUntilFinished(events, 20_000), 'done 1');
await worker.close();
await events.close();
await queue.close();
console.log('ok bullmq');

await redis.close();
