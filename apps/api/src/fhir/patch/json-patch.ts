/** A JSON Patch operation (RFC 6902 §4). */
export interface PatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

/** Why a patch could not be applied: `malformed` (the document is not a JSON Patch) or `failed` (it does not apply). */
export class JsonPatchError extends Error {
  constructor(
    readonly kind: 'malformed' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);
const MAX_OPERATIONS = 10_000;

type Json = unknown;
type Container = Record<string, Json> | Json[];

/** RFC 6901: `/a/b~1c/0` → ['a', 'b/c', '0']. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw new JsonPatchError('malformed', `"${pointer.slice(0, 100)}" is not a JSON Pointer`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => {
      if (/~[^01]|~$/.test(t)) throw new JsonPatchError('malformed', `"${pointer.slice(0, 100)}" has a bad ~ escape`);
      return t.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

/** Checks the shape of a patch document (RFC 6902 §3, §4). */
export function parsePatch(body: unknown): PatchOperation[] {
  if (!Array.isArray(body)) throw new JsonPatchError('malformed', 'A JSON Patch is an array of operations');
  if (body.length > MAX_OPERATIONS)
    throw new JsonPatchError('malformed', `A JSON Patch may have ${MAX_OPERATIONS} operations at most`);
  return body.map((op, i) => {
    const where = `operation ${i}`;
    if (typeof op !== 'object' || op === null || Array.isArray(op))
      throw new JsonPatchError('malformed', `${where} is not an object`);
    const o = op as Record<string, unknown>;
    if (typeof o.op !== 'string' || !OPS.has(o.op)) throw new JsonPatchError('malformed', `${where} has no valid "op"`);
    if (typeof o.path !== 'string') throw new JsonPatchError('malformed', `${where} has no "path"`);
    parsePointer(o.path);
    if ((o.op === 'move' || o.op === 'copy') && typeof o.from !== 'string')
      throw new JsonPatchError('malformed', `${where} (${o.op}) has no "from"`);
    if ((o.op === 'add' || o.op === 'replace' || o.op === 'test') && !('value' in o))
      throw new JsonPatchError('malformed', `${where} (${o.op}) has no "value"`);
    return o as unknown as PatchOperation;
  });
}

const isContainer = (v: Json): v is Container => typeof v === 'object' && v !== null;

function arrayIndex(array: Json[], token: string, forAdd: boolean): number {
  if (forAdd && token === '-') return array.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new JsonPatchError('failed', `"${token}" is not an array index`);
  const i = Number(token);
  if (i > array.length || (!forAdd && i === array.length))
    throw new JsonPatchError('failed', `index ${i} is out of bounds`);
  return i;
}

function parentOf(doc: Json, tokens: string[], path: string): { parent: Container; key: string } {
  let node = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(node)) node = node[arrayIndex(node, t, false)];
    else if (isContainer(node) && Object.prototype.hasOwnProperty.call(node, t))
      node = (node as Record<string, Json>)[t];
    else throw new JsonPatchError('failed', `path ${path} does not exist`);
  }
  if (!isContainer(node)) throw new JsonPatchError('failed', `path ${path} does not exist`);
  return { parent: node, key: tokens[tokens.length - 1] };
}

function get(doc: Json, path: string): Json {
  let node = doc;
  for (const t of parsePointer(path)) {
    if (Array.isArray(node)) node = node[arrayIndex(node, t, false)];
    else if (isContainer(node) && Object.prototype.hasOwnProperty.call(node, t))
      node = (node as Record<string, Json>)[t];
    else throw new JsonPatchError('failed', `path ${path} does not exist`);
  }
  return node;
}

function add(doc: Json, path: string, value: Json): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true), 0, value);
  else {
    if (key === '__proto__') throw new JsonPatchError('failed', 'path __proto__ is not allowed');
    (parent as Record<string, Json>)[key] = value;
  }
  return doc;
}

function remove(doc: Json, path: string): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) throw new JsonPatchError('failed', 'the whole document cannot be removed');
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false), 1);
  else if (Object.prototype.hasOwnProperty.call(parent, key)) delete (parent as Record<string, Json>)[key];
  else throw new JsonPatchError('failed', `path ${path} does not exist`);
  return doc;
}

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isContainer(a) && isContainer(b) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every(
        (k) =>
          Object.prototype.hasOwnProperty.call(b, k) &&
          deepEqual((a as Record<string, Json>)[k], (b as Record<string, Json>)[k]),
      )
    );
  }
  return false;
}

const clone = (v: Json): Json => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

/** Applies a patch to a copy of `doc` (RFC 6902 §5: all operations or none). */
export function applyPatch(doc: Json, operations: readonly PatchOperation[]): Json {
  let out = clone(doc);
  for (const o of operations) {
    switch (o.op) {
      case 'add':
        out = add(out, o.path, clone(o.value));
        break;
      case 'remove':
        out = remove(out, o.path);
        break;
      case 'replace':
        if (o.path === '') {
          out = clone(o.value);
          break;
        }
        get(out, o.path);
        out = add(remove(out, o.path), o.path, clone(o.value));
        break;
      case 'move': {
        if (o.path.startsWith(o.from! + '/')) throw new JsonPatchError('failed', `cannot move ${o.from} into itself`);
        const value = get(out, o.from!);
        out = add(remove(out, o.from!), o.path, value);
        break;
      }
      case 'copy':
        out = add(out, o.path, clone(get(out, o.from!)));
        break;
      case 'test':
        if (!deepEqual(get(out, o.path), o.value)) throw new JsonPatchError('failed', `test of ${o.path} failed`);
        break;
    }
  }
  return out;
}
