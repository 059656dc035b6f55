/** FHIR identifier system of the NHS number (UK Core, NHS England). */
export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

/**
 * The check digit of an NHS number from its first nine digits (NHS Data Dictionary, "NHS Number": Modulus 11 with
 * weights 10 to 2; 11 − remainder, where 11 means 0 and 10 means the nine digits form no NHS number), or null.
 */
export function nhsCheckDigit(firstNine: string): number | null {
  if (!/^\d{9}$/.test(firstNine)) return null;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  return check === 10 ? null : check;
}

/** Why a value is not a valid NHS number, or null when it is one. */
export function nhsNumberProblem(value: string): string | null {
  const shown = value.length > 20 ? `${value.slice(0, 20)}...` : value;
  if (!/^\d{10}$/.test(value)) return `NHS number "${shown}" must be exactly 10 digits`;
  const check = nhsCheckDigit(value.slice(0, 9));
  if (check === null)
    return `NHS number "${value}" is not valid: its first nine digits give Modulus 11 check digit 10, which no NHS number has`;
  if (check !== Number(value[9]))
    return `NHS number "${value}" has the wrong check digit: Modulus 11 gives ${check}, not ${value[9]}`;
  return null;
}
