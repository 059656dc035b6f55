#!/usr/bin/env node
// Where validation on a worker thread starts to pay (INLINE_BELOW_VALUES in apps/api/src/fhir/validation/
// validation-pool.ts): for resources and Bundles of growing size, the time validateResource takes on the event loop
// against the time to the answer from an idle validation worker (copy there, validate, copy back). Uses the built
// API (apps/api/dist): `npx nx run api:build && node tools/bench/validation-threshold.mjs`.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../apps/api/dist/fhir/validation');
const { validateResource, warmUpValidation } = require(path.join(dist, 'index.js'));
const { ValidationPool } = require(path.join(dist, 'validation-pool.js'));

/** JSON values a value holds (what INLINE_BELOW_VALUES counts). */
const values = (v) =>
  typeof v !== 'object' || v === null ? 1 : 1 + Object.values(v).reduce((n, x) => n + values(x), 0);

const patient = (i, names = 1) => ({
  resourceType: 'Patient',
  identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9000000009' }],
  name: Array.from({ length: names }, (_, k) => ({ family: `Surname${i + k}`, given: [`Given${i}`] })),
  gender: i % 2 ? 'male' : 'female',
  birthDate: '1950-01-11',
});

/** The fastest of `rounds` calls: on a shared machine the minimum is what the work itself costs. */
async function time(fn, rounds) {
  for (let i = 0; i < 20; i++) await fn(i); // warm
  let best = Infinity;
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await fn(i);
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

warmUpValidation();
const pool = new ValidationPool({ validationWorkers: 2, nodeEnv: 'production' });
const cases = [
  ...[1, 5, 20, 60, 150].map((names) => ({ label: `1 Patient, ${names} names`, items: [patient(0, names)] })),
  ...[2, 5, 20, 100, 500].map((n) => ({
    label: `${n} Patients`,
    items: Array.from({ length: n }, (_, i) => patient(i)),
  })),
];
console.log('case                      values   event loop ms   worker ms');
for (const { label, items } of cases) {
  const typed = items.map((resource) => ({ type: 'Patient', resource }));
  const rounds = Math.max(5, Math.round(2000 / items.length));
  const inline = await time(async () => typed.forEach((t) => validateResource(t.resource, t.type)), rounds);
  const worker = await time(() => pool.validate(typed), rounds);
  const n = typed.reduce((sum, t) => sum + values(t.resource), 0);
  console.log(
    `${label.padEnd(24)} ${String(n).padStart(7)} ${inline.toFixed(3).padStart(15)} ${worker.toFixed(3).padStart(11)}`,
  );
}
await pool.onModuleDestroy();
