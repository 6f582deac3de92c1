// Pub/sub under a fault: one connection subscribes to channels (SUBSCRIBE), to a pattern (PSUBSCRIBE) and to
// sharded channels (SSUBSCRIBE), and publishes numbered messages to each of them, every few ms. Every message is
// accounted for, per stream: received once, received twice (a duplicate), or never (lost).
import type { PubSubListener, PubSubMessage } from '@keyslot/client';
import type { CommandLedger } from './ledger.js';

/** What the load needs from the connection under test. */
export interface PubSubTarget {
  subscribe(channels: string | readonly string[], listener: PubSubListener): Promise<void>;
  psubscribe(patterns: string | readonly string[], listener: PubSubListener): Promise<void>;
  ssubscribe(channels: string | readonly string[], listener: PubSubListener): Promise<void>;
  publish(channel: string, message: string): Promise<number>;
  spublish(channel: string, message: string): Promise<number>;
}

/** The streams of a pub/sub load. */
export interface PubSubPlan {
  /** Channels subscribed with SUBSCRIBE, published with PUBLISH. */
  channels: readonly string[];
  /** One pattern, subscribed with PSUBSCRIBE, and the channels it matches, published with PUBLISH. */
  pattern: { pattern: string; channels: readonly string[] };
  /** Sharded channels, subscribed with SSUBSCRIBE, published with SPUBLISH. */
  shardChannels: readonly string[];
  /** Each stream gets its next message this often (once its previous one was acknowledged). */
  intervalMs: number;
}

/** What happened to one stream's messages. */
export interface StreamFigures {
  stream: string;
  published: number;
  /** PUBLISH/SPUBLISH that failed (the message may or may not have gone out). */
  publishFailed: number;
  /** SPUBLISH acknowledged with 0 receivers: nobody was subscribed on the shard at that moment. */
  noReceiver: number;
  received: number;
  /** Messages received more than once. */
  duplicates: number;
  /** For the first duplicate: the nodes that delivered it, first and second. */
  firstDuplicate?: { seq: number; from: [string, string]; atMs: number };
  /**
   * Acknowledged messages never received: for sharded channels only those the shard said it delivered (1 receiver
   * or more); for the others every acknowledged one (the subscription's node gets every message of the cluster).
   */
  lost: number;
  /**
   * The longest time the stream delivered nothing while a message it acknowledged waited (ms): from the
   * acknowledgement of a message not received yet to the next message received (that one or a later one), or to the
   * stop. Time in which nothing was published does not count: a primary pausing its writes for a failover holds up
   * the publisher, not the subscription.
   */
  longestGapMs: number;
}

interface Stream {
  name: string;
  kind: 'channel' | 'pattern' | 'shard';
  channel: string;
  next: number;
  inFlight: boolean;
  published: number;
  publishFailed: number;
  /** Acknowledged seq → receivers the server reported. */
  acked: Map<number, number>;
  /** seq → the node that delivered it. */
  received: Map<number, string>;
  duplicates: number;
  firstDuplicate?: StreamFigures['firstDuplicate'];
  /** When the oldest acknowledged message that nothing has been received since was acknowledged; 0: none waits. */
  waitingSince: number;
  longestGapMs: number;
}

/** Subscribes, then publishes to every stream until stopped; see {@link StreamFigures}. */
export class PubSubLoad {
  private readonly streams: Stream[] = [];
  private readonly byName = new Map<string, Stream>();
  private timer: NodeJS.Timeout | undefined;
  private publishing = false;
  private startedAt = 0;

  constructor(
    private readonly target: PubSubTarget,
    private readonly ledger: CommandLedger,
    private readonly plan: PubSubPlan,
  ) {
    const add = (kind: Stream['kind'], channel: string) => {
      const stream: Stream = {
        name: `${kind}:${channel}`,
        kind,
        channel,
        next: 1,
        inFlight: false,
        published: 0,
        publishFailed: 0,
        acked: new Map(),
        received: new Map(),
        duplicates: 0,
        waitingSince: 0,
        longestGapMs: 0,
      };
      this.streams.push(stream);
      this.byName.set(stream.name, stream);
    };
    for (const channel of plan.channels) add('channel', channel);
    for (const channel of plan.pattern.channels) add('pattern', channel);
    for (const channel of plan.shardChannels) add('shard', channel);
  }

  /** Subscribes every stream and starts publishing. */
  async start(): Promise<void> {
    await this.target.subscribe(this.plan.channels, this.listener);
    await this.target.psubscribe(this.plan.pattern.pattern, this.listener);
    await this.target.ssubscribe(this.plan.shardChannels, this.listener);
    this.publishing = true;
    this.startedAt = Date.now();
    this.timer = setInterval(() => this.tick(), this.plan.intervalMs);
  }

  /** Stops publishing; resolves once the messages in flight are acknowledged or failed. */
  async stop(): Promise<void> {
    if (this.publishing) {
      // A stream that stopped for good shows as a gap up to now.
      const now = Date.now();
      for (const stream of this.streams) {
        if (stream.waitingSince > 0)
          stream.longestGapMs = Math.max(stream.longestGapMs, now - stream.waitingSince);
      }
    }
    this.publishing = false;
    clearInterval(this.timer);
    while (this.streams.some((stream) => stream.inFlight))
      await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** True once every acknowledged message that must arrive has arrived. */
  allDelivered(): boolean {
    return this.streams.every((stream) => this.lost(stream) === 0);
  }

  figures(): StreamFigures[] {
    return this.streams.map((stream) => ({
      stream: stream.name,
      published: stream.published,
      publishFailed: stream.publishFailed,
      noReceiver: [...stream.acked.values()].filter((receivers) => receivers === 0).length,
      received: stream.received.size,
      duplicates: stream.duplicates,
      ...(stream.firstDuplicate ? { firstDuplicate: stream.firstDuplicate } : {}),
      lost: this.lost(stream),
      longestGapMs: stream.longestGapMs,
    }));
  }

  private lost(stream: Stream): number {
    let lost = 0;
    for (const [seq, receivers] of stream.acked) {
      if (stream.kind === 'shard' && receivers === 0) continue;
      if (!stream.received.has(seq)) lost++;
    }
    return lost;
  }

  private readonly listener = (message: PubSubMessage): void => {
    const kind = message.kind === 'message' ? 'channel' : message.kind === 'pmessage' ? 'pattern' : 'shard';
    const stream = this.byName.get(`${kind}:${String(message.channel)}`);
    if (stream === undefined) return;
    const seq = Number(String(message.message));
    const from = stream.received.get(seq);
    if (from !== undefined) {
      stream.duplicates++;
      stream.firstDuplicate ??= { seq, from: [from, message.node], atMs: Date.now() - this.startedAt };
      return;
    }
    stream.received.set(seq, message.node);
    if (this.publishing && stream.waitingSince > 0) {
      stream.longestGapMs = Math.max(stream.longestGapMs, Date.now() - stream.waitingSince);
    }
    stream.waitingSince = 0;
  };

  private tick(): void {
    for (const stream of this.streams) {
      if (stream.inFlight || !this.publishing) continue;
      const seq = stream.next++;
      stream.inFlight = true;
      stream.published++;
      const text = String(seq);
      const sent =
        stream.kind === 'shard'
          ? this.target.spublish(stream.channel, text)
          : this.target.publish(stream.channel, text);
      this.ledger.track(sent).then(
        (receivers) => {
          stream.acked.set(seq, Number(receivers));
          if (!stream.received.has(seq) && stream.waitingSince === 0) stream.waitingSince = Date.now();
          stream.inFlight = false;
        },
        () => {
          stream.publishFailed++;
          stream.inFlight = false;
        },
      );
    }
  }
}
