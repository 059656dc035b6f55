import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TokenAccess } from '../../scopes/token-access';
import { FhirSearchService } from '../../fhir/fhir-search.service';
import { NHS_NUMBER_SYSTEM } from '../../fhir/validation/nhs-number';
import type { PatientMatch } from './authorize-pages';

/** The most matches the patient picker shows. */
const MAX_MATCHES = 20;

interface PatientResource {
  id: string;
  birthDate?: string;
  name?: { text?: string; family?: string; given?: string[]; prefix?: string[] }[];
  identifier?: { system?: string; value?: string }[];
}

/**
 * Patients for the authorization server's own pages (the practitioner's picker, a launch's patient check), found
 * through the FHIR search service itself: the same indexes and rules as `/fhir/Patient?…`, no SQL of its own.
 */
@Injectable()
export class PatientDirectoryService implements OnModuleInit {
  private search!: FhirSearchService;

  constructor(private readonly modules: ModuleRef) {}

  onModuleInit(): void {
    // The FHIR module keeps its services to itself; this reads through its search service without widening its exports.
    this.search = this.modules.get(FhirSearchService, { strict: false });
  }

  /** Patients whose name matches `text` (R4 `name`, starts-with), or whose NHS number is `text` (digits). */
  async find(text: string): Promise<PatientMatch[]> {
    const q = text.trim().slice(0, 100);
    if (!q) return [];
    const digits = q.replace(/\s+/g, '');
    const query: Record<string, string> = /^\d{10}$/.test(digits)
      ? { identifier: `${NHS_NUMBER_SYSTEM}|${digits}`, _count: String(MAX_MATCHES) }
      : { name: q, _count: String(MAX_MATCHES), _sort: 'family' };
    return this.run(query);
  }

  /** The patient with this id, or null. */
  async get(id: string): Promise<PatientMatch | null> {
    if (!/^[A-Za-z0-9\-.]{1,64}$/.test(id)) return null;
    const [found] = await this.run({ _id: id });
    return found ?? null;
  }

  private async run(query: Record<string, string>): Promise<PatientMatch[]> {
    const result = await this.search.search('Patient', query, TokenAccess.internal());
    const bundle = JSON.parse(result.body ?? '{}') as {
      entry?: { resource: PatientResource; search?: { mode?: string } }[];
    };
    return (bundle.entry ?? []).filter((e) => e.search?.mode !== 'include').map((e) => toMatch(e.resource));
  }
}

export function patientDisplayName(p: PatientResource): string {
  const n = p.name?.[0];
  if (!n) return `Patient ${p.id}`;
  if (n.text) return n.text;
  const text = [...(n.given ?? []), n.family ?? ''].join(' ').trim();
  return text || `Patient ${p.id}`;
}

function toMatch(p: PatientResource): PatientMatch {
  return {
    id: p.id,
    name: patientDisplayName(p),
    birthDate: p.birthDate ?? null,
    nhsNumber: p.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM)?.value ?? null,
  };
}
