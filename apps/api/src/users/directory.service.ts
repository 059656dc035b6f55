import { Injectable } from '@nestjs/common';
import type { DirectoryEntry } from '@ccri/contracts';
import { DomainError } from '../common/errors/domain-error';
import { TokenAccess } from '../scopes/token-access';
import { FhirSearchService } from '../fhir/fhir-search.service';
import { FhirService } from '../fhir/fhir.service';
import { NHS_NUMBER_SYSTEM } from '../fhir/validation/nhs-number';
import { FHIR_ID } from '../fhir/fhir-resource-types';

/** Entries one directory search answers at most: a picker shows a short list and the person types more. */
export const DIRECTORY_LIMIT = 20;

export type DirectoryType = 'Patient' | 'Practitioner';

interface HumanName {
  use?: string;
  text?: string;
  family?: string;
  given?: string[];
  prefix?: string[];
}

interface PersonResource {
  resourceType: string;
  id: string;
  name?: HumanName[];
  birthDate?: string;
  identifier?: { system?: string; value?: string }[];
}

/**
 * People in the FHIR store for the dashboard's pickers: a search by name (the FHIR `name` parameter) or by NHS
 * number, through the FHIR search itself with the server's own access, so the directory finds what FHIR finds.
 */
@Injectable()
export class DirectoryService {
  constructor(
    private readonly search: FhirSearchService,
    private readonly fhir: FhirService,
  ) {}

  async find(type: DirectoryType, text: string | undefined): Promise<DirectoryEntry[]> {
    const result = await this.search.search(type, directoryQuery(type, text), TokenAccess.internal());
    const bundle = JSON.parse(result.body ?? '{}') as {
      entry?: { resource: PersonResource; search?: { mode?: string } }[];
    };
    return (bundle.entry ?? [])
      .filter((e) => e.search?.mode === 'match')
      .map((e) => directoryEntry(e.resource))
      .slice(0, DIRECTORY_LIMIT);
  }

  /** The live Patient with this id as a picker shows it, or null (not a FHIR id, unknown or deleted). */
  async patient(id: string): Promise<DirectoryEntry | null> {
    if (!FHIR_ID.test(id)) return null;
    const found = await this.read(`Patient/${id}`);
    return found ? directoryEntry(found) : null;
  }

  /** The live resource `Type/id`, or null when there is none (unknown or deleted). */
  async read(reference: string): Promise<PersonResource | null> {
    const [type, id] = reference.split('/');
    try {
      const result = await this.fhir.read(type, id, TokenAccess.internal());
      return JSON.parse(result.body ?? 'null') as PersonResource | null;
    } catch (e) {
      if (e instanceof DomainError && (e.status === 404 || e.status === 410)) return null;
      throw e;
    }
  }
}

/**
 * The FHIR search parameters of a directory search: ten digits (spaces allowed, as NHS numbers are written
 * "943 476 5919") search identifiers, the NHS number system for patients; anything else the `name` parameter
 * (R4 search.html#string: case- and accent-insensitive, matching the start of any part of a name).
 */
export function directoryQuery(type: DirectoryType, text: string | undefined): Record<string, string> {
  const query: Record<string, string> = { _count: String(DIRECTORY_LIMIT) };
  const value = text?.trim() ?? '';
  if (value === '') return query;
  const digits = value.replace(/\s+/g, '');
  if (/^\d{6,20}$/.test(digits)) {
    query.identifier = type === 'Patient' && digits.length === 10 ? `${NHS_NUMBER_SYSTEM}|${digits}` : digits;
  } else {
    query.name = value;
  }
  return query;
}

/** A resource as a picker shows it: its reference, a readable name, birth date and NHS number. */
export function directoryEntry(resource: PersonResource): DirectoryEntry {
  return {
    reference: `${resource.resourceType}/${resource.id}`,
    display: displayName(resource) ?? `${resource.resourceType}/${resource.id}`,
    birth_date: resource.birthDate ?? null,
    nhs_number: resource.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM)?.value ?? null,
  };
}

/** The person's name for display: the official (else usual, else first) name's text, or its parts in order. */
export function displayName(resource: Pick<PersonResource, 'name'>): string | null {
  const names = resource.name ?? [];
  const name = names.find((n) => n.use === 'official') ?? names.find((n) => n.use === 'usual') ?? names[0];
  if (!name) return null;
  if (name.text?.trim()) return name.text.trim();
  const parts = [...(name.prefix ?? []), ...(name.given ?? []), name.family ?? ''].map((p) => p.trim()).filter(Boolean);
  return parts.length ? parts.join(' ') : null;
}
