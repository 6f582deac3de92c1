import { ClusterConnection } from '@keyslot/client';
import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';

/** Options of {@link ClusterHealthIndicator.isHealthy}. */
export interface ClusterHealthOptions {
  /** How long each primary may take to answer PING, in ms. Default 1000. */
  timeoutMs?: number | undefined;
}

/**
 * A `@nestjs/terminus` health indicator for the application's `ClusterConnection`, reporting what the client's own
 * `connection.health()` finds: it asks over the shared connection and never opens one of its own. Up when every
 * hash slot is served and every primary answers PING within the timeout; down, with the reason and the failing
 * primaries, otherwise.
 *
 * ```ts
 * @Module({ imports: [TerminusModule], controllers: [HealthController], providers: [ClusterHealthIndicator] })
 * ```
 */
@Injectable()
export class ClusterHealthIndicator {
  constructor(
    private readonly connection: ClusterConnection,
    private readonly healthIndicatorService: HealthIndicatorService,
  ) {}

  /** Checks the cluster; resolves with `up` or `down` under `key` (it does not throw when the cluster is down). */
  async isHealthy<const Key extends string>(
    key: Key,
    { timeoutMs = 1000 }: ClusterHealthOptions = {},
  ): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.healthIndicatorService.check(key);
    const health = await this.connection.health({ timeoutMs });
    const { coveredSlots, failing } = health;
    switch (health.problem) {
      case undefined:
        return indicator.up({ coveredSlots, primaries: Object.keys(health.primaries).length });
      case 'closed':
        return indicator.down({ message: health.reason });
      case 'primariesSilent':
        return indicator.down({ message: health.reason, coveredSlots, failing });
      default:
        return indicator.down({ message: health.reason, coveredSlots });
    }
  }
}
