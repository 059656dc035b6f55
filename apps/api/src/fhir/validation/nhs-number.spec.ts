import { nhsCheckDigit, nhsNumberProblem } from './nhs-number';

describe('NHS number, Modulus 11 (NHS Data Dictionary)', () => {
  it.each([
    ['943476591', 9],
    ['900000000', 9],
    ['401023213', 7],
    ['999000001', 8],
    ['999000005', 0], // 11 − 0 = 11, written 0
  ])('the check digit of %s is %d', (nine, digit) => {
    expect(nhsCheckDigit(nine)).toBe(digit);
  });

  it.each(['999000000', '123456789'])('%s has no check digit (it would be 10)', (nine) => {
    expect(nhsCheckDigit(nine)).toBeNull();
  });

  it.each(['9434765919', '9000000009', '4010232137', '9990000050'])('%s is valid', (value) => {
    expect(nhsNumberProblem(value)).toBeNull();
  });

  it.each<[string, RegExp]>([
    ['943476591', /exactly 10 digits/],
    ['94347659190', /exactly 10 digits/],
    ['94347A5919', /exactly 10 digits/],
    ['943 476 5919', /exactly 10 digits/],
    ['', /exactly 10 digits/],
    ['٩٤٣٤٧٦٥٩١٩', /exactly 10 digits/], // Arabic-Indic digits are not ASCII digits
    ['9434765918', /Modulus 11 gives 9, not 8/],
    ['9990000000', /check digit 10/],
    ['1234567890', /check digit 10/],
  ])('%s is refused', (value, message) => {
    expect(nhsNumberProblem(value)).toMatch(message);
  });
});
