import { SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { MemoReflector } from './memo-reflector';

const Roles = Reflector.createDecorator<string[]>();

class Controller {
  @SetMetadata('kind', 'fhir')
  @Roles(['admin'])
  handler(): void {}

  other(): void {}
}
SetMetadata('kind', 'class-level')(Controller);

describe('MemoReflector', () => {
  const plain = new Reflector();
  const memo = new MemoReflector();
  const handler = Controller.prototype.handler;
  const other = Controller.prototype.other;

  it('answers exactly as Reflector does, for keys, decorators and override lookups', () => {
    for (let round = 0; round < 2; round++) {
      expect(memo.get('kind', handler)).toBe(plain.get('kind', handler));
      expect(memo.get(Roles, handler)).toEqual(['admin']);
      expect(memo.get('kind', other)).toBeUndefined();
      expect(memo.getAllAndOverride('kind', [other, Controller])).toBe('class-level');
      expect(memo.getAllAndOverride('kind', [handler, Controller])).toBe('fhir');
    }
  });

  it('keeps answers apart per key and per target', () => {
    expect(memo.get('missing', handler)).toBeUndefined();
    expect(memo.get('kind', Controller)).toBe('class-level');
    expect(memo.get('kind', handler)).toBe('fhir');
  });
});
