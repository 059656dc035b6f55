import { Injectable, Logger } from '@nestjs/common';
import {
  conditionResource,
  DEMO_CONDITIONS,
  DEMO_MEDICATION_USE,
  DEMO_MEDICATIONS,
  DEMO_ORGANIZATIONS,
  DEMO_PATIENTS,
  DEMO_PRACTITIONERS,
  medicationRequestResource,
  medicationResource,
  medicationStatementResource,
  organizationResource,
  patientResource,
  practitionerResource,
} from './demo/demo-data';
import { TokenAccess } from '../scopes/token-access';
import type { FhirResource } from './fhir-resource-types';
import { FhirService } from './fhir.service';

/** Loads the synthetic demo data set (DESIGN.md §Demo mode) into an empty store. Writes go through FhirService. */
@Injectable()
export class FhirDemoSeeder {
  private readonly logger = new Logger(FhirDemoSeeder.name);

  constructor(private readonly fhir: FhirService) {}

  /**
   * Patients (and what refers to them) only into a store without a Patient, practitioners only into one without a
   * Practitioner, so restarts never duplicate the data (and a store seeded before practitioners existed gets them).
   */
  async seed(): Promise<void> {
    if (await this.fhir.isEmpty('Practitioner')) {
      for (const p of DEMO_PRACTITIONERS) await this.create(practitionerResource(p));
      this.logger.log(`Demo FHIR data: ${DEMO_PRACTITIONERS.length} practitioners`);
    }
    if (!(await this.fhir.isEmpty('Patient'))) return;
    const orgs = new Map<string, string>();
    for (const o of DEMO_ORGANIZATIONS) orgs.set(o.key, await this.create(organizationResource(o)));
    const practice = orgs.get('practice')!;
    const patients = new Map<string, string>();
    for (const p of DEMO_PATIENTS) patients.set(p.key, await this.create(patientResource(p, practice)));
    const medications = new Map<string, string>();
    for (const m of DEMO_MEDICATIONS) medications.set(m.key, await this.create(medicationResource(m)));
    for (const c of DEMO_CONDITIONS) await this.create(conditionResource(c, patients.get(c.patient)!));
    for (const u of DEMO_MEDICATION_USE) {
      const patient = patients.get(u.patient)!;
      const medication = medications.get(u.medication)!;
      const request = await this.create(medicationRequestResource(u, patient, medication, practice));
      await this.create(medicationStatementResource(u, patient, medication, request));
    }
    this.logger.log(
      `Demo FHIR data: ${DEMO_PATIENTS.length} patients, ${DEMO_CONDITIONS.length} conditions, ${DEMO_MEDICATION_USE.length} medication requests and statements`,
    );
  }

  private async create(resource: FhirResource): Promise<string> {
    return (await this.fhir.create(resource.resourceType, resource, TokenAccess.internal())).resourceId!;
  }
}
