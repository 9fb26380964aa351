/** The registry of resource types known by name. */
import { NepiError, UnknownTypeError } from '../errors.js';
import type { ResourceType } from './resource-type.js';

export class TypeRegistry {
  #types = new Map<string, ResourceType>();

  /** Add a type; another type under the same name is an error unless `replace` is set. */
  register(type: ResourceType, options: { replace?: boolean } = {}): void {
    const existing = this.#types.get(type.type);
    if (existing && existing !== type && !options.replace) {
      throw new NepiError(`resource type '${type.type}' is already registered; pass { replace: true } to replace it`, {
        type: type.type,
      });
    }
    this.#types.set(type.type, type);
  }

  get(name: string): ResourceType {
    const type = this.#types.get(name);
    if (!type) throw new UnknownTypeError(name, this.#types.keys());
    return type;
  }

  has(name: string): boolean {
    return this.#types.has(name);
  }

  list(): ResourceType[] {
    return [...this.#types.values()].sort((a, b) => a.type.localeCompare(b.type));
  }
}

/** The registry every controller reads unless given its own; built-in backends register here. */
export const defaultRegistry = new TypeRegistry();

/** Make a type available by name to every experiment controller. */
export function registerResourceType(type: ResourceType, options: { replace?: boolean } = {}): void {
  defaultRegistry.register(type, options);
}
