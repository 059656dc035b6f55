import { FhirValue, fhirTypeName, r4ModelTables as model } from './fhirpath-expression';

/**
 * The JSON path walker: the R4 expressions that are plain member paths, evaluated on the resource's JSON instead of
 * through fhirpath.js (see compilePlainPath), and the one choice-element flag R4 uses (compileChoiceFlag).
 */

const path2Type = model.path2Type;

/** Element types whose values' own type a plain walk cannot tell: fhirpath.js keeps these expressions. */
const UNTYPED_STEPS = new Set(['BackboneElement', 'Element', 'Resource', 'DomainResource']);

/**
 * One step of a plain path: a member (its JSON name), a filter `where(member = 'literal')` on the items so far, or
 * (last only) an uncast choice element: per item, the first of its typed members present (`effectiveDateTime`, …).
 */
export type PlainStep =
  { member: string } | { where: string; equals: string } | { choice: { member: string; type: string }[] };

/**
 * A plain path: the resource type it starts from (`Resource`: any), its steps, and the FHIR type of its values (empty
 * where it ends in an uncast choice: there each member has its own).
 */
export interface PlainPath {
  root: string;
  steps: PlainStep[];
  valueType: string;
}

const PLAIN_PATH = /^([A-Z][A-Za-z0-9]*)((?:\.[a-z][A-Za-z0-9]*|\.where\([a-z][A-Za-z0-9]*='[^'\\]*'\))+)$/;
// The filter first: `where` alone would also match as a member name.
const PLAIN_STEP = /\.where\(([a-z][A-Za-z0-9]*)='([^'\\]*)'\)|\.([a-z][A-Za-z0-9]*)/g;
const CAST = /^\((.+) as ([A-Za-z]+)\)$/;
const AS_FUNCTION = /^(.+)\.as\(([A-Za-z]+)\)$/;
const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** FHIR's primitive types (lower-case names in the model), for the type names a choice element lists capitalised. */
const PRIMITIVES = new Set(Object.values(path2Type).filter((t) => /^[a-z]/.test(t)));
const choiceTypeName = (choice: string) => {
  const lower = choice.charAt(0).toLowerCase() + choice.slice(1);
  return PRIMITIVES.has(lower) ? lower : choice;
};

/**
 * The plan of an expression made only of member steps (`Patient.name.family`, `Resource.meta.profile`), filters on
 * a single primitive member (`Patient.telecom.where(system='email')`) and at most a final choice element, cast
 * (`(Observation.value as Quantity)` or `.as(Quantity)`: the member `valueQuantity`) or not (`Observation.effective`:
 * `effectiveDateTime`, `effectivePeriod`, …), each step typed from the R4 model. Null for any
 * other expression, and for a path with a step the model does not type on its own (a content reference, a backbone
 * element or a contained resource as the value): fhirpath.js evaluates those.
 */
export function plainPathPlan(expression: string): PlainPath | null {
  // Both forms capture the path, then the type.
  const cast = AS_FUNCTION.exec(expression) ?? CAST.exec(expression);
  const matched = PLAIN_PATH.exec(cast ? cast[1] : expression);
  if (!matched) return null;
  const root = matched[1];
  if (root === 'DomainResource') return null;
  const steps: PlainStep[] = [];
  let typePath = root;
  let type = root;
  const found = [...matched[2].matchAll(PLAIN_STEP)];
  for (const [index, [, where, equals, member]] of found.entries()) {
    if (where !== undefined) {
      const filtered = `${typePath}.${where}`;
      const memberType = path2Type[filtered];
      // `=` on a repeating member compares a collection: not a plain filter.
      if (!memberType || !/^[a-z]/.test(memberType) || model.path2Repeating[filtered]) return null;
      steps.push({ where, equals });
      continue;
    }
    const path = `${typePath}.${member}`;
    const choices = model.choiceTypePaths[path];
    if (choices) {
      // Only the last member: cast to one of its types it names one JSON member, uncast the first present of them.
      if (index !== found.length - 1) return null;
      if (!cast) {
        const choice = choices.map((c) => ({
          member: `${member}${c}`,
          type: fhirTypeName(`FHIR.${choiceTypeName(c)}`),
        }));
        steps.push({ choice });
        return { root, steps, valueType: '' };
      }
      if (!choices.includes(upperFirst(cast[2]))) return null;
      steps.push({ member: `${member}${upperFirst(cast[2])}` });
      type = cast[2];
      break;
    }
    const next = path2Type[path];
    if (!next) return null;
    steps.push({ member });
    // A backbone element's members are named under its path (Patient.contact.name); any other type's under its name.
    typePath = next === 'BackboneElement' || next === 'Element' ? path : next;
    type = next;
  }
  if (cast && type !== cast[2]) return null;
  if (UNTYPED_STEPS.has(type) || steps.every((step) => 'where' in step)) return null;
  return { root, steps, valueType: fhirTypeName(type.includes('.') ? type : `FHIR.${type}`) };
}

/**
 * A plain path (see `plainPathPlan`; 2,238 of the 2,244 R4 expression branches served) evaluated by walking the JSON
 * instead of through fhirpath.js, which builds a node per element on the way and takes some forty times as long:
 * it was two thirds of the index extraction's time on ingest. It gives what fhirpath.js gives (the registry's spec
 * compares the two on every such path of every served type); null where there is no plan.
 */
export function compilePlainPath(expression: string): ((resource: object) => FhirValue[]) | null {
  const plan = plainPathPlan(expression);
  if (!plan) return null;
  const { root, steps, valueType } = plan;
  const anyResource = root === 'Resource';
  return (resource) => {
    if (!anyResource && (resource as { resourceType?: unknown }).resourceType !== root) return [];
    let nodes: unknown[] = [resource];
    for (const step of steps) {
      if ('choice' in step) return choiceValues(nodes, step.choice);
      const next: unknown[] = [];
      if ('where' in step) {
        for (const node of nodes) if ((node as Record<string, unknown>)[step.where] === step.equals) next.push(node);
      } else {
        for (const node of nodes) pushValues(next, (node as Record<string, unknown>)[step.member]);
      }
      if (next.length === 0) return [];
      nodes = next;
    }
    return nodes.map((value) => ({ type: valueType, value }));
  };
}

/**
 * The values of an uncast choice element on each item: of its typed members, the first present (a primitive with
 * only an extension counts, and gives no value), as fhirpath.js reads it.
 */
function choiceValues(nodes: unknown[], choice: { member: string; type: string }[]): FhirValue[] {
  const out: FhirValue[] = [];
  for (const node of nodes) {
    const item = node as Record<string, unknown>;
    const present = choice.find((c) => presentIn(item, c.member));
    if (!present) continue;
    const values: unknown[] = [];
    pushValues(values, item[present.member]);
    for (const value of values) out.push({ type: present.type, value });
  }
  return out;
}

/** A JSON member's values, one or a list, without nulls. */
function pushValues(into: unknown[], value: unknown): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) into.push(value);
  else for (const item of value) if (item !== undefined && item !== null) into.push(item);
}

/** Whether a member is there, with a value or (a primitive) with only its `_member` extension. */
const presentIn = (item: Record<string, unknown>, member: string) =>
  item[member] !== undefined || item[`_${member}`] !== undefined;

const CHOICE_FLAG = /^([A-Z][A-Za-z0-9]*)\.([a-z][A-Za-z0-9]*)\.exists\(\) and \1\.\2 != false$/;

/**
 * `X.c.exists() and X.c != false` on a choice element `c` (R4's Patient `deceased`, from `deceased[x]`, boolean or
 * dateTime), evaluated on the JSON: false where the element is absent, else true unless it is the boolean false.
 * fhirpath.js took as long on this one expression as on all of Patient's others together. Null for other expressions.
 */
export function compileChoiceFlag(expression: string): ((resource: object) => FhirValue[]) | null {
  const matched = CHOICE_FLAG.exec(expression);
  const choices = matched ? model.choiceTypePaths[`${matched[1]}.${matched[2]}`] : undefined;
  if (!matched || !choices) return null;
  const [, root, element] = matched;
  const members = choices.map((choice) => `${element}${choice}`);
  return (resource) => {
    const r = resource as Record<string, unknown>;
    if (r.resourceType !== root) return [];
    // An element with only an extension (`_deceasedBoolean`) exists too. Of two (invalid) values, fhirpath.js reads
    // the first in the model's order of the choice's types.
    const present = members.find((m) => presentIn(r, m));
    return [{ type: 'boolean', value: present !== undefined && r[present] !== false }];
  };
}
