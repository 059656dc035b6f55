import { nhsNumberProblem } from '../validation/nhs-number';
import { nhsNumber } from './nhs-number';

describe('Synthetic NHS numbers', () => {
  it.each([
    ['943476591', '9434765919'],
    ['401023213', '4010232137'],
    ['999000005', '9990000050'],
    ['999000001', '9990000018'],
  ])('%s is completed to %s', (nine, full) => {
    expect(nhsNumber(nine)).toBe(full);
  });

  it('refuses digits that form no NHS number: a check digit of 10, or not nine digits', () => {
    expect(() => nhsNumber('999000000')).toThrow(/cannot be completed/);
    expect(() => nhsNumber('12345678')).toThrow(/cannot be completed/);
  });

  it('makes only numbers the validator accepts, across the 999 test range', () => {
    let made = 0;
    for (let n = 999000000; n < 999000200; n++) {
      let value: string;
      try {
        value = nhsNumber(String(n));
      } catch {
        continue;
      }
      made++;
      expect(nhsNumberProblem(value)).toBeNull();
    }
    expect(made).toBeGreaterThan(150);
  });
});
