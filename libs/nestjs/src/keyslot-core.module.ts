import { Global, Module } from '@nestjs/common';
import { ConnectionRegistry } from './connection-registry.js';

/**
 * Holds the `ConnectionRegistry`. A static module, so Nest makes it once per application however many
 * `KeyslotModule` registrations import it: that single registry is what makes the connection one. Global because
 * Nest runs global modules' shutdown hooks after every other module's, so the registry closes the connection once
 * the providers of every module, however deep, are done with it. (Among global modules Nest goes from the last
 * registered to the first: one imported ahead of `KeyslotModule` still shuts down after the connection is closed.)
 */
@Global()
@Module({ providers: [ConnectionRegistry], exports: [ConnectionRegistry] })
export class KeyslotCoreModule {}
