// The links of the HTTP benchmark: codes the demo accepts (3 to 32 letters, digits, '_' or '-'), stored under the
// demo's own key layout.
import { linkKey } from '../../apps/demo/src/links/link-keys.js';

/** Links written before the HTTP runs; codes up to 10% above this are asked for too (the 404s). */
export const LINK_COUNT = 10_000;

export const linkCode = (n: number): string => `bench${n}`;

/** The key the demo reads a link's URL from. */
export const linkUrlKey = (n: number): string => linkKey(linkCode(n));

export const linkUrl = (n: number, value: string): string => `https://example.com/${value}/${n}`;
