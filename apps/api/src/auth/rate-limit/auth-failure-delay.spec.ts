import { delayFor } from './auth-failure-delay';

describe('delayFor', () => {
  it.each([
    [1, 0],
    [3, 0],
    [4, 250],
    [5, 500],
    [6, 1000],
    [9, 8000],
    [30, 8000],
  ])('%d failures → %d ms', (failures, ms) => {
    expect(delayFor(failures)).toBe(ms);
  });
});
