import type { ClusterConnection } from '@keyslot/client';
import { KeyslotKeyvStore } from '@keyslot/keyv';
import Keyv from 'keyv';

/** The cache's namespace: its keys are `demo-cache:<key>`. */
export const LINK_CACHE_NAMESPACE = 'demo-cache';

/** The Keyv both servers' link caches keep their entries in, on the shared connection. */
export function linkCacheKeyv(redis: ClusterConnection): Keyv {
  return new Keyv({ store: new KeyslotKeyvStore(redis), namespace: LINK_CACHE_NAMESPACE });
}
