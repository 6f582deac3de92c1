import { NO_KEY } from './key-slots.js';
import { SLOT_COUNT } from './topology.js';

/**
 * Where a cluster request goes next, as one immutable value. A request holds exactly one; a redirect replaces it
 * with a new one, never edits it. The router reads it on every send (`ClusterRouter#route`).
 */
export interface Route {
  /** Tells a route apart from the other kinds of `CommandPlan` (a route is the plan of a one-request command). */
  readonly kind: 'route';
  /** Hash slot of the command's keys, or `NO_KEY` for a keyless command (any primary, in turn). */
  readonly slot: number;
  /** Read-only or harmless to repeat: may be served by a replica (`readFrom`), and re-sent after a lost connection. */
  readonly readonly: boolean;
  /** The node to send to instead of the slot's owner: an ASK target (for one send) or a pinned node (always). */
  readonly node: string | undefined;
  /** Send ASKING first: the route of an ASK redirect, used once, after which the slot's route applies again. */
  readonly asking: boolean;
  /** `node` is fixed: the request is never redirected (fan-out, `onNode`). */
  readonly pinned: boolean;
}

// One shared value per (slot, readonly): routing a single-key command allocates nothing.
const slotRoutes: (Route | undefined)[] = new Array((SLOT_COUNT + 1) * 2);

/** The route of a command whose keys live in `slot` (or `NO_KEY`): to the slot's owner, as the map says now. */
export function slotRoute(slot: number, readonly: boolean): Route {
  const index = (slot + 1) * 2 + (readonly ? 1 : 0);
  const known = slotRoutes[index];
  if (known !== undefined) return known;
  const route: Route = { kind: 'route', slot, readonly, node: undefined, asking: false, pinned: false };
  slotRoutes[index] = route;
  return route;
}

/** The route of a command that must run on `address` and nowhere else (fan-out, `onNode`). */
export function pinnedRoute(address: string, readonly: boolean): Route {
  return { kind: 'route', slot: NO_KEY, readonly, node: address, asking: false, pinned: true };
}

/** The route after an ASK redirect: this once to `address`, preceded by ASKING; the slot map is left as it is. */
export function askRoute(from: Route, address: string): Route {
  return {
    kind: 'route',
    slot: from.slot,
    readonly: from.readonly,
    node: address,
    asking: true,
    pinned: false,
  };
}

/** What a MOVED or ASK reply says: `MOVED <slot> <host:port>`, the address as the cluster announces it. */
export interface Redirect {
  readonly slot: number;
  readonly announced: string;
}

/** Parses the text of a MOVED or ASK reply; undefined when it is not one that can be followed. */
export function parseRedirect(message: string): Redirect | undefined {
  const [, slotText, announced] = message.split(' ');
  const slot = Number(slotText);
  if (announced === undefined || !Number.isInteger(slot)) return undefined;
  return { slot, announced };
}
