import { ClusterConnection, TimeoutError } from '@keyslot/client';
import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { CLUSTER_SLOT_COUNT } from '../keyslot.constants.js';

/** Options of {@link ClusterHealthIndicator.isHealthy}. */
export interface ClusterHealthOptions {
  /** How long each primary may take to answer PING, in ms. Default 1000. */
  timeoutMs?: number;
}

/**
 * A `@nestjs/terminus` health indicator for the application's `ClusterConnection`. It asks over the shared
 * connection and never opens one of its own. Up when every hash slot is served and every primary answers PING
 * within the timeout; down, with the reason and the failing primaries, otherwise.
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
    if (!this.connection.isOpen) return indicator.down({ message: 'the cluster connection is closed' });
    const { nodes, coveredSlots } = this.connection.topology();
    const primaries = nodes.filter((node) => node.role === 'primary').map((node) => node.address);
    if (primaries.length === 0) {
      return indicator.down({ message: 'the cluster topology is not known yet', coveredSlots });
    }
    if (coveredSlots !== CLUSTER_SLOT_COUNT) {
      return indicator.down({
        message: `${coveredSlots} of ${CLUSTER_SLOT_COUNT} hash slots are served`,
        coveredSlots,
      });
    }
    const answers = await Promise.allSettled(primaries.map((address) => this.ping(address, timeoutMs)));
    const failing: Record<string, string> = {};
    answers.forEach((answer, index) => {
      if (answer.status === 'rejected') failing[primaries[index]!] = (answer.reason as Error).message;
    });
    const down = Object.keys(failing);
    if (down.length > 0) {
      return indicator.down({
        message: `${down.length} of ${primaries.length} primaries did not answer PING: ${down.join(', ')}`,
        coveredSlots,
        failing,
      });
    }
    return indicator.up({ coveredSlots, primaries: primaries.length });
  }

  // The command's own deadline may be longer than a health check can wait; the reply, if late, is dropped.
  private ping(address: string, timeoutMs: number): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new TimeoutError(`no answer within ${timeoutMs} ms`, 'PING', address)),
        timeoutMs,
      );
    });
    return Promise.race([this.connection.onNode(address, { name: 'PING', args: [] }), late]).finally(() =>
      clearTimeout(timer),
    );
  }
}
