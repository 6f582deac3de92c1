import { Module } from '@nestjs/common';
import { ConnectionRegistry } from './connection-registry.js';

/**
 * Holds the `ConnectionRegistry`. A static module, so Nest makes it once per application however many
 * `KeyslotModule` registrations import it: that single registry is what makes the connection one.
 */
@Module({ providers: [ConnectionRegistry], exports: [ConnectionRegistry] })
export class KeyslotCoreModule {}
