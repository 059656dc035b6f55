import { applyPatch, JsonPatchError, parsePatch, parsePointer } from './json-patch';

function kindOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as JsonPatchError).kind;
  }
}

describe('parsePointer (RFC 6901)', () => {
  it.each([
    ['', []],
    ['/a', ['a']],
    ['/a/0/b', ['a', '0', 'b']],
    ['/a~1b', ['a/b']],
    ['/m~0n', ['m~n']],
    ['/', ['']],
  ])('%j → %j', (pointer, tokens) => {
    expect(parsePointer(pointer)).toEqual(tokens);
  });

  it.each(['a', '/a~2', '/a~'])('refuses %j', (pointer) => {
    expect(kindOf(() => parsePointer(pointer))).toBe('malformed');
  });
});

describe('applyPatch (RFC 6902 §4, examples of Appendix A)', () => {
  it.each([
    [
      'A.1 add an object member',
      { foo: 'bar' },
      [{ op: 'add', path: '/baz', value: 'qux' }],
      { baz: 'qux', foo: 'bar' },
    ],
    [
      'A.2 add an array element',
      { foo: ['bar', 'baz'] },
      [{ op: 'add', path: '/foo/1', value: 'qux' }],
      { foo: ['bar', 'qux', 'baz'] },
    ],
    ['A.3 remove an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    [
      'A.4 remove an array element',
      { foo: ['bar', 'qux', 'baz'] },
      [{ op: 'remove', path: '/foo/1' }],
      { foo: ['bar', 'baz'] },
    ],
    [
      'A.5 replace a value',
      { baz: 'qux', foo: 'bar' },
      [{ op: 'replace', path: '/baz', value: 'boo' }],
      { baz: 'boo', foo: 'bar' },
    ],
    [
      'A.6 move a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    [
      'A.7 move an array element',
      { foo: ['all', 'grass', 'cows', 'eat'] },
      [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
      { foo: ['all', 'cows', 'eat', 'grass'] },
    ],
    [
      'A.8 test a value',
      { baz: 'qux', foo: ['a', 2, 'c'] },
      [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ],
      { baz: 'qux', foo: ['a', 2, 'c'] },
    ],
    [
      'A.10 add a nested member object',
      { foo: 'bar' },
      [{ op: 'add', path: '/child', value: { grandchild: {} } }],
      { foo: 'bar', child: { grandchild: {} } },
    ],
    ['A.14 ~ escape ordering', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    [
      'A.16 add an array value',
      { foo: ['bar'] },
      [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }],
      { foo: ['bar', ['abc', 'def']] },
    ],
    ['copy', { a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }], { a: { b: 1 }, c: { b: 1 } }],
    ['replace the whole document', { a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }], { b: 2 }],
  ])('%s', (_name, doc, ops, expected) => {
    expect(applyPatch(doc, parsePatch(ops))).toEqual(expected);
  });

  it('leaves the input untouched', () => {
    const doc = { a: [1] };
    applyPatch(doc, parsePatch([{ op: 'add', path: '/a/-', value: 2 }]));
    expect(doc).toEqual({ a: [1] });
  });

  it.each([
    ['A.9 a failed test', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]],
    ['A.12 adding to a nonexistent target', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]],
    ['A.15 comparing strings and numbers', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }]],
    ['an index past the end', { a: [1] }, [{ op: 'add', path: '/a/5', value: 2 }]],
    ['removing what is not there', { a: 1 }, [{ op: 'remove', path: '/b' }]],
    ['moving into itself', { a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/b/c' }]],
    ['a __proto__ member', {}, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]],
  ])('fails on %s', (_name, doc, ops) => {
    expect(kindOf(() => applyPatch(doc, parsePatch(ops)))).toBe('failed');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['not an array', { op: 'add' }],
    ['an unknown op', [{ op: 'merge', path: '/a' }]],
    ['no path', [{ op: 'remove' }]],
    ['add without value', [{ op: 'add', path: '/a' }]],
    ['move without from', [{ op: 'move', path: '/a' }]],
    ['a bad pointer', [{ op: 'remove', path: 'a' }]],
  ])('refuses a patch with %s as malformed', (_name, ops) => {
    expect(kindOf(() => parsePatch(ops))).toBe('malformed');
  });
});
