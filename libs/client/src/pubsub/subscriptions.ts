/** What kind of subscription: a channel, a pattern, or a sharded channel (SSUBSCRIBE). */
export type SubscriptionKind = 'channel' | 'pattern' | 'shard';

/** One pub/sub message. */
export interface PubSubMessage {
  kind: 'message' | 'pmessage' | 'smessage';
  channel: string | Buffer;
  /** The pattern that matched, for PSUBSCRIBE messages. */
  pattern?: string | Buffer | undefined;
  message: string | Buffer;
  /** The node (host:port) that delivered it. */
  node: string;
}

export type PubSubListener = (message: PubSubMessage) => void;

/** The commands that subscribe and unsubscribe each kind. */
export const SUBSCRIBE_COMMAND = {
  channel: 'SUBSCRIBE',
  pattern: 'PSUBSCRIBE',
  shard: 'SSUBSCRIBE',
} as const;
export const UNSUBSCRIBE_COMMAND = {
  channel: 'UNSUBSCRIBE',
  pattern: 'PUNSUBSCRIBE',
  shard: 'SUNSUBSCRIBE',
} as const;

/**
 * The listeners of every subscription, so that messages reach them and subscriptions can be restored after a
 * reconnect, a failover or a slot move.
 */
export class Subscriptions {
  private readonly byKind: Record<SubscriptionKind, Map<string, Set<PubSubListener>>> = {
    channel: new Map(),
    pattern: new Map(),
    shard: new Map(),
  };

  /** Adds a listener; returns the names that had no listener before (those need a SUBSCRIBE). */
  add(kind: SubscriptionKind, names: readonly string[], listener: PubSubListener): string[] {
    const map = this.byKind[kind];
    const added: string[] = [];
    for (const name of names) {
      let listeners = map.get(name);
      if (!listeners) {
        listeners = new Set();
        map.set(name, listeners);
        added.push(name);
      }
      listeners.add(listener);
    }
    return added;
  }

  /**
   * Removes a listener (or every listener when none is given) from the names (or from every name of that kind);
   * returns the names left without listeners (those need an UNSUBSCRIBE).
   */
  remove(kind: SubscriptionKind, names?: readonly string[], listener?: PubSubListener): string[] {
    const map = this.byKind[kind];
    const removed: string[] = [];
    for (const name of names ?? [...map.keys()]) {
      const listeners = map.get(name);
      if (!listeners) continue;
      if (listener) listeners.delete(listener);
      else listeners.clear();
      if (listeners.size === 0) {
        map.delete(name);
        removed.push(name);
      }
    }
    return removed;
  }

  /** Whether a name has a listener. */
  has(kind: SubscriptionKind, name: string): boolean {
    return this.byKind[kind].has(name);
  }

  /** Every subscribed name of a kind. */
  names(kind: SubscriptionKind): string[] {
    return [...this.byKind[kind].keys()];
  }

  get isEmpty(): boolean {
    return this.byKind.channel.size + this.byKind.pattern.size + this.byKind.shard.size === 0;
  }

  /** Delivers a push frame if it is a pub/sub message; returns false for any other push. */
  dispatch(push: unknown[], node: string): boolean {
    const kind = String(push[0]);
    if (kind === 'message' || kind === 'smessage') {
      const channel = text(push[1]);
      const listeners = this.byKind[kind === 'message' ? 'channel' : 'shard'].get(channel);
      if (listeners) emit(listeners, { kind, channel, message: text(push[2]), node });
      return true;
    }
    if (kind === 'pmessage') {
      const pattern = text(push[1]);
      const listeners = this.byKind.pattern.get(pattern);
      if (listeners) emit(listeners, { kind, pattern, channel: text(push[2]), message: text(push[3]), node });
      return true;
    }
    return false;
  }
}

/**
 * A push is decoded in the mode of whichever reply is awaited when it arrives (Buffers behind a Buffer-mode command):
 * listeners get text either way, as the decoder would have made it.
 */
function text(value: unknown): string {
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

function emit(listeners: Set<PubSubListener>, message: PubSubMessage): void {
  for (const listener of listeners) {
    try {
      listener(message);
    } catch (error) {
      // A listener's bug must not break the connection's read loop; surface it like an unhandled error would be.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
