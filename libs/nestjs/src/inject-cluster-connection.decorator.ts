import { ClusterConnection } from '@keyslot/client';
import { Inject } from '@nestjs/common';

/**
 * Injects the application's one `ClusterConnection`. The same as injecting by class
 * (`constructor(private readonly redis: ClusterConnection)`), for places where the parameter's type is not
 * emitted as metadata: an `import type`, an interface-typed parameter, a property, or a build without
 * `emitDecoratorMetadata`.
 *
 * The token is the `ClusterConnection` class itself, fixed at import time: the decorator works whatever order
 * modules are declared or imported in, and `overrideProvider(ClusterConnection)` replaces both ways of injecting.
 *
 * ```ts
 * constructor(@InjectClusterConnection() private readonly redis: ClusterConnection) {}
 * ```
 */
export function InjectClusterConnection(): PropertyDecorator & ParameterDecorator {
  return Inject(ClusterConnection);
}
