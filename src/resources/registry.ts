/** The registry of resource types known by name, and of the backends they belong to. */
import { NepiError, UnknownTypeError } from '../errors.js';
import type { Backend, Cleaner } from './backend.js';
import type { ResourceType } from './resource-type.js';

/** The resource types known by name, and the backends and cleaners they bring. {@link defaultRegistry} holds the built-in ones. */
export class TypeRegistry {
  readonly #types = new Map<string, ResourceType>();
  readonly #backends = new Map<string, Backend>();
  /** Cleaners registered on their own (registerCleaner), by the name they report under. */
  readonly #cleaners = new Map<string, Cleaner>();
  /** The types module (its file URL) each type loaded from one came from (type-modules.ts). */
  readonly #modules = new Map<string, string>();

  /**
   * Add a type (and its backend, the first time); another type under the same name is an
   * error unless `replace` is set.
   */
  register(type: ResourceType, options: { replace?: boolean; module?: string } = {}): void {
    const existing = this.#types.get(type.type);
    if (existing && existing !== type && !options.replace) {
      throw new NepiError(`resource type '${type.type}' is already registered; pass { replace: true } to replace it`, {
        type: type.type,
      });
    }
    if (type.backend) this.registerBackend(type.backend);
    this.#types.set(type.type, type);
    if (options.module !== undefined) this.#modules.set(type.type, options.module);
    else this.#modules.delete(type.type);
  }

  /** The file URL of the types module the type named `name` was loaded from; undefined for a type built in or registered by code. */
  moduleOf(name: string): string | undefined {
    return this.#modules.get(name);
  }

  /** Whether the types of the module at `url` (a file URL) are registered here. */
  hasModule(url: string): boolean {
    for (const module of this.#modules.values()) if (module === url) return true;
    return false;
  }

  /**
   * A new registry holding what this one holds (types, the modules they came from, backends,
   * cleaners): what is added to it afterwards is not added here. A run's own types go in a
   * copy of the default registry, so that they never leak into another run.
   */
  copy(): TypeRegistry {
    const copy = new TypeRegistry();
    for (const backend of this.#backends.values()) copy.registerBackend(backend);
    for (const [name, type] of this.#types) copy.register(type, this.#modules.has(name) ? { module: this.#modules.get(name)! } : {});
    for (const cleaner of this.#cleaners.values()) copy.registerCleaner(cleaner);
    return copy;
  }

  /** Add a backend (its cleaners run with `nepi clean`); registering its types does it too. */
  registerBackend(backend: Backend): void {
    const existing = this.#backends.get(backend.name);
    if (existing === backend) return;
    if (existing) throw new NepiError(`another backend named '${backend.name}' is already registered`);
    this.#backends.set(backend.name, backend);
  }

  /** Add (or replace) a cleaner of its own, reporting under `cleaner.backend`; it replaces a backend's cleaner of that name. */
  registerCleaner(cleaner: Cleaner): void {
    this.#cleaners.set(cleaner.backend, cleaner);
  }

  /** The type registered as `name`; throws an UnknownTypeError when there is none. */
  get(name: string): ResourceType {
    const type = this.#types.get(name);
    if (!type) throw new UnknownTypeError(name, this.#types.keys());
    return type;
  }

  /** Whether a type is registered as `name`. */
  has(name: string): boolean {
    return this.#types.has(name);
  }

  /** Every registered type, sorted by name. */
  list(): ResourceType[] {
    return [...this.#types.values()].sort((a, b) => a.type.localeCompare(b.type));
  }

  /** The backends of the registered types, in the order they first came. */
  backends(): Backend[] {
    return [...this.#backends.values()];
  }

  /** The cleaners of every backend, in registration order, then those registered on their own. */
  cleaners(): Cleaner[] {
    const own = this.backends()
      .flatMap((backend) => backend.cleaners ?? [])
      .filter((cleaner) => !this.#cleaners.has(cleaner.backend));
    return [...own, ...this.#cleaners.values()];
  }
}

/** The registry every controller reads unless given its own; built-in backends register here. */
export const defaultRegistry = new TypeRegistry();

/** Make a type available by name to every experiment controller. */
export function registerResourceType(type: ResourceType, options: { replace?: boolean } = {}): void {
  defaultRegistry.register(type, options);
}

/** Add (or replace) a cleaner in the default registry: `nepi clean` runs it (see backend.ts). */
export function registerCleaner(cleaner: Cleaner): void {
  defaultRegistry.registerCleaner(cleaner);
}
