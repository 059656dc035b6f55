import { nhsCheckDigit } from '../validation/nhs-number';

/**
 * The NHS number made from nine digits plus their check digit, by the validator's own Modulus 11 so that every
 * number the demo data holds is one the server accepts; throws for digits that cannot form one.
 */
export function nhsNumber(firstNine: string): string {
  const check = nhsCheckDigit(firstNine);
  if (check === null) throw new Error(`${firstNine} cannot be completed to a valid NHS number`);
  return firstNine + check;
}
