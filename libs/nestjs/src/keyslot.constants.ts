/**
 * The token of one `KeyslotModule` registration's options. Each `forRoot`/`forRootAsync` keeps its options to
 * itself (not exported), so two registrations never overwrite each other's options; the connection registry
 * compares them instead.
 */
export const KEYSLOT_MODULE_OPTIONS = Symbol('KEYSLOT_MODULE_OPTIONS');
