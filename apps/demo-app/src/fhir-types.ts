/** The few FHIR R4 shapes this app reads (only the elements it shows). */
export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}
export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}
export interface Reference {
  reference?: string;
  display?: string;
}
export interface HumanName {
  use?: string;
  text?: string;
  family?: string;
  given?: string[];
}
export interface Dosage {
  text?: string;
}
export interface Resource {
  resourceType: string;
  id?: string;
}
export interface Patient extends Resource {
  resourceType: 'Patient';
  identifier?: { system?: string; value?: string }[];
  name?: HumanName[];
  gender?: string;
  birthDate?: string;
}
export interface Condition extends Resource {
  resourceType: 'Condition';
  code?: CodeableConcept;
  onsetDateTime?: string;
}
export interface Medication extends Resource {
  resourceType: 'Medication';
  code?: CodeableConcept;
}
export interface MedicationRequest extends Resource {
  resourceType: 'MedicationRequest';
  medicationCodeableConcept?: CodeableConcept;
  medicationReference?: Reference;
  dosageInstruction?: Dosage[];
}
export interface MedicationStatement extends Resource {
  resourceType: 'MedicationStatement';
  medicationCodeableConcept?: CodeableConcept;
  medicationReference?: Reference;
  dosage?: Dosage[];
}
export type MedicationUse = MedicationRequest | MedicationStatement;
