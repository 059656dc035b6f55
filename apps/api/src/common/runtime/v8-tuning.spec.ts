import { execFileSync } from 'node:child_process';

describe('V8 tuning', () => {
  it('turns allocation-site pretenuring off when loaded', () => {
    // The module object the code under test reads `setFlagsFromString` from at call time.
    const spy = jest.spyOn(jest.requireActual<typeof import('node:v8')>('node:v8'), 'setFlagsFromString');
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('./v8-tuning');
    });
    expect(spy).toHaveBeenCalledWith('--no-allocation-site-pretenuring');
    spy.mockRestore();
  });

  it('sets only flags this Node knows (setFlagsFromString ignores an unknown one silently)', () => {
    const { V8_FLAGS } = jest.requireActual<typeof import('./v8-tuning')>('./v8-tuning');
    // `node --unknown-flag` exits with "bad option"; execFileSync throws on that.
    for (const flag of V8_FLAGS)
      expect(execFileSync(process.execPath, [flag, '-e', '0'], { encoding: 'utf8' })).toBe('');
  });
});
