/**
 * What the READMEs' snippets take from their surrounding prose: the `app`, `seeds` or `nodes` a sentence
 * introduced, or an import shown in an earlier block. A snippet gets an entry only when it uses the name and does
 * not declare or import it itself; `when` picks the entry for snippets that match it (Express vs Fastify `app`).
 */
export interface ContextEntry {
  name: string;
  declaration: string;
  when?: RegExp;
}

const fastifyApp: ContextEntry = {
  name: 'app',
  declaration: "declare const app: import('fastify').FastifyInstance;",
  when: /app\.(register|redis|post|get|put)\b/,
};
const nodes: ContextEntry = { name: 'nodes', declaration: 'declare const nodes: string[];' };
const seeds: ContextEntry = { name: 'seeds', declaration: 'declare const seeds: string[];' };
const redis: ContextEntry = {
  name: 'redis',
  declaration: "declare const redis: import('@keyslot/client').ClusterConnection;",
};
const keyslotPlugin: ContextEntry = {
  name: 'keyslot',
  declaration: "import { keyslot } from '@keyslot/fastify';",
};
const keyslotModule: ContextEntry = {
  name: 'KeyslotModule',
  declaration: "import { KeyslotModule } from '@keyslot/nestjs';",
};
const nest = (names: string): ContextEntry[] =>
  names.split(' ').map((name) => ({ name, declaration: `import { ${name} } from '@nestjs/common';` }));

export const SNIPPET_CONTEXT: Record<string, ContextEntry[]> = {
  client: [
    { name: 'ClusterClient', declaration: "import { ClusterClient } from '@keyslot/client';" },
    seeds,
    {
      name: 'iam',
      declaration: 'declare const iam: { token(): Promise<{ value: string; expiresAt: number | Date }> };',
    },
  ],
  nestjs: [
    ...nest('Module Injectable'),
    keyslotModule,
    { name: 'ClusterConnection', declaration: "import { ClusterConnection } from '@keyslot/nestjs';" },
    {
      name: 'InjectClusterConnection',
      declaration: "import { InjectClusterConnection } from '@keyslot/nestjs';",
    },
    { name: 'NestFactory', declaration: "import { NestFactory } from '@nestjs/core';" },
    { name: 'APP_GUARD', declaration: "import { APP_GUARD } from '@nestjs/core';" },
    { name: 'AppModule', declaration: 'declare class AppModule {}' },
    { name: 'EmailProcessor', declaration: 'declare class EmailProcessor {}' },
  ],
  fastify: [
    fastifyApp,
    keyslotPlugin,
    { name: 'login', declaration: "declare const login: import('fastify').RouteHandlerMethod;" },
  ],
  session: [
    fastifyApp,
    {
      name: 'app',
      declaration: "declare const app: import('express').Express;",
      when: /app\.use\(/,
    },
    redis,
  ],
  otel: [
    fastifyApp,
    nodes,
    keyslotPlugin,
    keyslotModule,
    {
      name: 'KeyslotInstrumentation',
      declaration: "import { KeyslotInstrumentation } from '@keyslot/otel';",
    },
  ],
  keyv: [
    ...nest('Module'),
    { name: 'Keyv', declaration: "import Keyv from 'keyv';" },
    { name: 'KeyslotKeyvStore', declaration: "import { KeyslotKeyvStore } from '@keyslot/keyv';" },
    { name: 'renderHome', declaration: 'declare function renderHome(): Promise<string>;' },
  ],
  bullmq: [{ name: 'sendEmail', declaration: 'declare function sendEmail(data: unknown): Promise<void>;' }],
};
