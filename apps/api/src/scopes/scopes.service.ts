import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { ScopeCatalogEntry } from '@ccri/contracts';
import { isValidScope } from '@ccri/smart-scopes';
import { validationFailed } from '../common/errors/domain-error';
import { ScopeCatalogEntity } from './scope-catalog.entity';
import { defaultCatalog } from './default-catalog';

/** Resource types the first catalog describes (the types the FHIR API serves first). */
const CATALOG_TYPES = [
  'Patient',
  'Condition',
  'MedicationStatement',
  'MedicationRequest',
  'Medication',
  'Organization',
] as const;

@Injectable()
export class ScopesService implements OnModuleInit {
  constructor(@InjectRepository(ScopeCatalogEntity) private readonly repo: Repository<ScopeCatalogEntity>) {}

  async onModuleInit(): Promise<void> {
    if ((await this.repo.count()) > 0) return;
    const rows = defaultCatalog(CATALOG_TYPES).map((e) => ({
      scope: e.scope,
      description: e.description,
      resourceTypes: e.resource_types.join(','),
      selfService: e.self_service,
    }));
    await this.repo.createQueryBuilder().insert().values(rows).orIgnore().execute();
  }

  async list(): Promise<ScopeCatalogEntry[]> {
    const rows = await this.repo.find({ order: { scope: 'ASC' } });
    return rows.map(toEntry);
  }

  /** Describes a scope (creating its catalog entry if needed). */
  async put(
    scope: string,
    entry: { description?: string; resource_types?: string[]; self_service?: boolean },
  ): Promise<ScopeCatalogEntry> {
    if (!isValidScope(scope))
      throw validationFailed(`${scope} is not a valid SMART scope`, [
        { field: 'scope', message: 'not a valid SMART scope' },
      ]);
    const existing = await this.repo.findOneBy({ scope });
    const row: ScopeCatalogEntity = {
      scope,
      description: entry.description ?? existing?.description ?? '',
      resourceTypes: entry.resource_types ? entry.resource_types.join(',') : (existing?.resourceTypes ?? ''),
      selfService: entry.self_service ?? existing?.selfService ?? false,
    };
    await this.repo.save(row);
    return toEntry(row);
  }
}

function toEntry(row: ScopeCatalogEntity): ScopeCatalogEntry {
  return {
    scope: row.scope,
    description: row.description,
    resource_types: row.resourceTypes ? row.resourceTypes.split(',') : [],
    self_service: row.selfService,
  };
}
