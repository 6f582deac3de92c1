import type { ClusterConnection } from '@keyslot/client';
import { type LinkCache, LinkService } from '../links/link-service.js';
import { parseCode, parseCodes, parseCreateLink, parseLimit } from '../links/validation.js';
import { AdminPages, type WithSession } from './admin.js';
import type { DemoTelemetry } from './demo-telemetry.js';
import { checkHealth } from './health.js';
import { httpError } from './http-errors.js';

/** What a route answers, independent of the framework serving it. */
export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** What the API takes besides the connection. */
export interface DemoApiOptions {
  /** Caches links' unchanging details (`cache-manager`'s `Cache`); without it they are read each time. */
  cache?: LinkCache;
  /** The admin page's password; without it the admin routes answer 404. */
  adminPassword?: string;
  /** Metrics for `GET /metrics` and latency percentiles for `GET /cluster`; without it, neither. */
  telemetry?: DemoTelemetry;
}

/**
 * The demo's HTTP API, written once: the NestJS controller and the Fastify routes only translate requests into
 * these calls and the results into replies, so both servers behave identically. (Rate limits run before these
 * calls, in each framework's own limiter.)
 */
export class DemoApi {
  private readonly links: LinkService;
  private readonly admin: AdminPages | undefined;
  private readonly telemetry: DemoTelemetry | undefined;

  constructor(
    private readonly redis: ClusterConnection,
    options: DemoApiOptions = {},
  ) {
    this.links = new LinkService(redis, options.cache);
    this.telemetry = options.telemetry;
    this.admin =
      options.adminPassword === undefined ? undefined : new AdminPages(redis, options.adminPassword);
  }

  /** POST /links `{ url, code? }` (rate limited per client by the server's limiter before it gets here). */
  createLink(body: unknown): Promise<HttpResult> {
    return answer(async () => {
      const input = parseCreateLink(body);
      const link = await this.links.create(input.url, input.code);
      if (link === null)
        return {
          status: 409,
          body: { error: 'conflict', field: 'code', message: `code '${input.code}' is taken` },
        };
      return { status: 201, body: link };
    });
  }

  /** GET /links/:code: redirects to the URL and counts the click. */
  resolveLink(code: unknown): Promise<HttpResult> {
    return answer(async () => {
      const url = await this.links.resolve(parseCode(code));
      return url === null ? notFound(code) : { status: 302, headers: { location: url }, body: { url } };
    });
  }

  /** GET /links/:code/info: the link and its clicks. */
  linkInfo(code: unknown): Promise<HttpResult> {
    return answer(async () => {
      const link = await this.links.get(parseCode(code));
      return link === null ? notFound(code) : { status: 200, body: link };
    });
  }

  /** POST /links/lookup `{ codes }`: many links in one cross-slot MGET. */
  lookup(body: unknown): Promise<HttpResult> {
    return answer(async () => ({ status: 200, body: { links: await this.links.lookup(parseCodes(body)) } }));
  }

  /** GET /leaderboard?limit=: the most clicked links. */
  leaderboard(limit: unknown): Promise<HttpResult> {
    return answer(async () => ({ status: 200, body: { top: await this.links.top(parseLimit(limit)) } }));
  }

  /**
   * GET /cluster: the live topology, the connection's counters, each node's latency percentiles (ms) and the
   * client-side cache's counters (null without one).
   */
  cluster(): Promise<HttpResult> {
    return answer(async () => ({
      status: 200,
      body: {
        topology: this.redis.topology(),
        stats: this.redis.stats(),
        latency: this.telemetry?.latencyByNode() ?? {},
        cache: this.redis.cache?.stats() ?? null,
      },
    }));
  }

  /** GET /metrics: the connection's OpenTelemetry metrics in Prometheus' text format. */
  metrics(): Promise<HttpResult> {
    return answer(async () => {
      if (this.telemetry === undefined)
        return { status: 404, body: { error: 'not_found', message: 'no metrics' } };
      return {
        status: 200,
        headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
        body: await this.telemetry.metricsText(),
      };
    });
  }

  /** POST /admin/login `{ password }`: signs the session in. */
  adminLogin(request: WithSession, body: unknown): Promise<HttpResult> {
    return answer(async () => (this.admin ? this.admin.login(request, body) : noAdmin()));
  }

  /** GET /admin: the admin page, or a sign-in form (401). */
  adminPage(request: WithSession): Promise<HttpResult> {
    return answer(async () => (this.admin ? this.admin.page(request) : noAdmin()));
  }

  /** POST /admin/logout: ends the session. */
  adminLogout(request: WithSession): Promise<HttpResult> {
    return answer(async () => (this.admin ? this.admin.logout(request) : noAdmin()));
  }

  /** GET /health: 200 when every slot is served and every primary answers, else 503 with the reason. */
  health(): Promise<HttpResult> {
    return answer(async () => {
      const health = await checkHealth(this.redis);
      return { status: health.status === 'up' ? 200 : 503, body: health };
    });
  }
}

async function answer(work: () => Promise<HttpResult>): Promise<HttpResult> {
  try {
    return await work();
  } catch (error) {
    return httpError(error);
  }
}

function noAdmin(): HttpResult {
  return {
    status: 404,
    body: {
      error: 'not_found',
      message: 'the admin page is off: start the demo with DEMO_ADMIN_PASSWORD set',
    },
  };
}

function notFound(code: unknown): HttpResult {
  return { status: 404, body: { error: 'not_found', message: `no link with code '${String(code)}'` } };
}
