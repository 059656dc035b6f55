import { isValidNhsNumber, nhsCheckDigit, nhsNumber } from './nhs-number';

describe('NHS number Modulus 11', () => {
  it.each([
    ['943476591', 9],
    ['401023213', 7],
    ['999000005', 0],
    ['999000001', 8],
  ])('check digit of %s is %d', (nine, digit) => {
    expect(nhsCheckDigit(nine)).toBe(digit);
  });

  it('has no check digit when the remainder gives 10', () => {
    expect(nhsCheckDigit('999000000')).toBeNull();
    expect(() => nhsNumber('999000000')).toThrow();
  });

  it.each([
    ['9434765919', true],
    ['4010232137', true],
    ['9434765918', false],
    ['943476591', false],
    ['94347659190', false],
    ['94347A5919', false],
  ])('%s valid: %s', (value, valid) => {
    expect(isValidNhsNumber(value)).toBe(valid);
  });

  it('completes nine digits into a valid number', () => {
    expect(isValidNhsNumber(nhsNumber('999000001'))).toBe(true);
  });
});
