import type { DiscoveryService, MetadataScanner } from '@nestjs/core';

export interface DecoratedMethod<M> {
  metadata: M;
  /** The method bound to its provider instance. */
  call: (...args: never[]) => unknown;
  /** `ClassName.method`, for error messages. */
  name: string;
}

/**
 * Every method of every provider marked with `key`, found once at start-up. Handlers are
 * declared on the method they run (`@OnJob`, `@OnDeploymentEvent`), next to their logic.
 */
export function decoratedMethods<M>(discovery: DiscoveryService, scanner: MetadataScanner, key: symbol): DecoratedMethod<M>[] {
  const found: DecoratedMethod<M>[] = [];
  for (const wrapper of discovery.getProviders()) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
    for (const method of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const fn = instance[method];
      if (typeof fn !== 'function') continue;
      const metadata = Reflect.getMetadata(key, fn) as M | undefined;
      if (metadata === undefined) continue;
      found.push({ metadata, call: fn.bind(instance), name: `${instance.constructor.name}.${method}` });
    }
  }
  return found;
}

/** Providers whose class is marked with `key`. */
export function decoratedProviders<T>(discovery: DiscoveryService, key: symbol): T[] {
  return discovery
    .getProviders()
    .filter((wrapper) => wrapper.instance && wrapper.metatype && Reflect.getMetadata(key, wrapper.metatype) !== undefined)
    .map((wrapper) => wrapper.instance as T);
}
