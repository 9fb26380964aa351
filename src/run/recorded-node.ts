/**
 * A resource of a past or running run as its `experiment.json` gives it, with its type's
 * defaults: what `nepi exec`, `shell`, `inspect` and the cleaners read, with no controller.
 */
import { coerceAttribute } from '../resources/attributes.js';
import type { RecordedNode, ResourceType } from '../resources/resource-type.js';

export function recordedNode(
  type: ResourceType,
  guid: string,
  attributes: Readonly<Record<string, unknown>>,
  run: { readonly expId: string; readonly runId: string; readonly runDir: string },
): RecordedNode {
  return {
    guid,
    type: type.type,
    ...run,
    get(name) {
      const spec = type.attributes[name];
      if (!spec) return undefined;
      const given = attributes[name];
      return given === undefined ? spec.default : coerceAttribute(spec, given, { guid, type: type.type, attribute: name });
    },
  };
}
