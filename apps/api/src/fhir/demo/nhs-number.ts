/** FHIR identifier system of the NHS number (UK Core, NHS England). */
export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

/**
 * The check digit of an NHS number from its first nine digits (NHS Data Dictionary, "NHS Number": Modulus 11 with
 * weights 10 to 2; a remainder giving 11 means 0, one giving 10 means the nine digits cannot form an NHS number).
 */
export function nhsCheckDigit(firstNine: string): number | null {
  if (!/^\d{9}$/.test(firstNine)) return null;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  return check === 10 ? null : check;
}

/** Whether a ten-digit string is a valid NHS number (Modulus 11). */
export function isValidNhsNumber(value: string): boolean {
  return /^\d{10}$/.test(value) && nhsCheckDigit(value.slice(0, 9)) === Number(value[9]);
}

/** The NHS number made from nine digits plus their check digit; throws for digits that cannot form one. */
export function nhsNumber(firstNine: string): string {
  const check = nhsCheckDigit(firstNine);
  if (check === null) throw new Error(`${firstNine} cannot be completed to a valid NHS number`);
  return firstNine + check;
}
