import './styles.css';
import FHIR from 'fhirclient';
import type Client from 'fhirclient/lib/Client';
import { errorBox, h, show } from './dom';
import type { Condition, Medication, MedicationRequest, MedicationStatement, Patient, Resource } from './fhir-types';
import {
  authorizationErrorMessage,
  conceptText,
  dosageText,
  expiryText,
  genderLabel,
  grants,
  medicationName,
  medicationReference,
  nhsNumber,
  patientName,
} from './fhir-display';
import { CLIENT_ID, STANDALONE_SCOPE, fhirBase, redirectUri, serverBase } from './smart-config';

// RFC 6749 §3.2.1: a public client identifies itself with client_id on every token request, refreshes included.
FHIR.oauth2.settings.refreshTokenWithClientId = true;

const page = window.location.href;

/** SMART App Launch 2.2 §Standalone launch, with PKCE S256 required (§Considerations for PKCE). */
function launchStandalone(): Promise<never> {
  return FHIR.oauth2.authorize({
    iss: fhirBase(page),
    clientId: CLIENT_ID,
    scope: STANDALONE_SCOPE,
    redirectUri: redirectUri(page),
    pkceMode: 'required',
  }) as Promise<never>;
}

function launchButton(): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'primary' }, 'Launch (standalone)');
  button.addEventListener('click', () => {
    button.disabled = true;
    button.textContent = 'Launching…';
    launchStandalone().catch((error: unknown) => {
      button.disabled = false;
      button.textContent = 'Launch (standalone)';
      showStart(errorBox('The launch failed', messageOf(error)));
    });
  });
  return button;
}

function showStart(...notice: (HTMLElement | null)[]): void {
  show(
    h('h1', {}, 'CCRI demo SMART app'),
    ...notice,
    h(
      'p',
      {},
      'This app signs you in at the server, asks you which parts of your record to share, ' +
        'then shows your details, conditions and medicines.',
    ),
    launchButton(),
  );
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

async function searchAll<T extends Resource>(client: Client, query: string): Promise<T[]> {
  return (await client.request<T[]>(query, { pageLimit: 0, flat: true })) ?? [];
}

type Section = { title: string; body: HTMLElement };

function notShared(scope: string): HTMLElement {
  return h('p', { class: 'muted' }, `Not shared with this app (it needs ${scope}).`);
}

function listOrEmpty(items: HTMLElement[], empty: string): HTMLElement {
  return items.length > 0 ? h('ul', {}, ...items) : h('p', { class: 'muted' }, empty);
}

async function conditionsSection(client: Client, patientId: string, scope: string): Promise<Section> {
  const title = 'Conditions';
  if (!grants(scope, 'Condition', 's')) return { title, body: notShared('patient/Condition.rs') };
  const conditions = await searchAll<Condition>(client, `Condition?patient=${encodeURIComponent(patientId)}`);
  const items = conditions.map((c) =>
    h(
      'li',
      {},
      conceptText(c.code) ?? 'Unnamed condition',
      c.onsetDateTime ? h('span', { class: 'muted' }, ` (since ${c.onsetDateTime})`) : null,
    ),
  );
  return { title, body: listOrEmpty(items, 'No conditions recorded.') };
}

/** Reads each Medication the uses refer to, once; one that cannot be read just leaves its name unresolved. */
async function readMedications(
  client: Client,
  uses: (MedicationRequest | MedicationStatement)[],
  scope: string,
): Promise<Map<string, Medication>> {
  const medications = new Map<string, Medication>();
  if (!grants(scope, 'Medication', 'r')) {
    return medications;
  }
  const refs = [
    ...new Set(uses.map(medicationReference).filter((r): r is string => r?.startsWith('Medication/') ?? false)),
  ];
  await Promise.all(
    refs.map(async (ref) => {
      try {
        medications.set(ref, await client.request<Medication>(ref));
      } catch {
        // Not readable: the list shows the reference's display or "Unnamed medication".
      }
    }),
  );
  return medications;
}

async function medicationSections(client: Client, patientId: string, scope: string): Promise<Section[]> {
  const canRequests = grants(scope, 'MedicationRequest', 's');
  const canStatements = grants(scope, 'MedicationStatement', 's');
  const patient = encodeURIComponent(patientId);
  const [requests, statements] = await Promise.all([
    canRequests ? searchAll<MedicationRequest>(client, `MedicationRequest?patient=${patient}`) : [],
    canStatements ? searchAll<MedicationStatement>(client, `MedicationStatement?patient=${patient}`) : [],
  ]);
  const medications = await readMedications(client, [...requests, ...statements], scope);
  const item = (use: MedicationRequest | MedicationStatement) => {
    const dosage = dosageText(use);
    return h('li', {}, medicationName(use, medications), dosage ? h('span', { class: 'muted' }, ` — ${dosage}`) : null);
  };
  return [
    {
      title: 'Prescriptions (medication requests)',
      body: canRequests
        ? listOrEmpty(requests.map(item), 'No prescriptions recorded.')
        : notShared('patient/MedicationRequest.rs'),
    },
    {
      title: 'Medication statements',
      body: canStatements
        ? listOrEmpty(statements.map(item), 'No medication statements recorded.')
        : notShared('patient/MedicationStatement.rs'),
    },
  ];
}

function patientBanner(patient: Patient): HTMLElement {
  const nhs = nhsNumber(patient);
  return h(
    'section',
    { class: 'banner', 'aria-label': 'Patient banner', 'data-testid': 'patient-banner' },
    h('h1', { 'data-testid': 'patient-name' }, patientName(patient)),
    h(
      'dl',
      { class: 'facts' },
      h(
        'div',
        {},
        h('dt', {}, 'Born'),
        h('dd', { 'data-testid': 'patient-birth-date' }, patient.birthDate ?? 'Not recorded'),
      ),
      h('div', {}, h('dt', {}, 'Gender'), h('dd', { 'data-testid': 'patient-gender' }, genderLabel(patient.gender))),
      h('div', {}, h('dt', {}, 'NHS number'), h('dd', { 'data-testid': 'patient-nhs-number' }, nhs ?? 'Not recorded')),
    ),
  );
}

function sessionPanel(client: Client): HTMLElement {
  const scopeValue = h('dd', { id: 'granted-scope', 'data-testid': 'granted-scope' }, grantedScope(client));
  const status = h('p', { role: 'status', 'data-testid': 'refresh-status', class: 'status' });
  const button = h('button', { type: 'button' }, 'Refresh token');
  const canRefresh = Boolean(client.state.tokenResponse?.refresh_token);
  if (!canRefresh) button.disabled = true;
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.textContent = 'Refreshing…';
    try {
      await client.refresh();
      scopeValue.textContent = grantedScope(client);
      status.replaceChildren(h('strong', {}, 'Token refreshed'), '. ', expiryText(client.state.expiresAt));
    } catch (error) {
      status.replaceChildren(h('strong', {}, 'The token could not be refreshed'), `: ${messageOf(error)}`);
    } finally {
      button.disabled = !client.state.tokenResponse?.refresh_token;
    }
  });
  return h(
    'section',
    { 'aria-labelledby': 'session-heading', class: 'card' },
    h('h2', { id: 'session-heading' }, 'Access granted to this app'),
    h('dl', {}, h('dt', { id: 'granted-scope-label' }, 'Granted scope'), scopeValue),
    canRefresh ? null : h('p', { class: 'muted' }, 'No refresh token was issued (offline_access was not granted).'),
    button,
    status,
  );
}

function grantedScope(client: Client): string {
  return client.state.tokenResponse?.scope ?? client.state.scope ?? '';
}

async function showRecord(client: Client): Promise<void> {
  const patientId = client.patient.id;
  if (!patientId) {
    show(errorBox('No patient selected', 'The server did not give the app a patient to show.'), launchButton());
    return;
  }
  show(h('p', { role: 'status' }, 'Loading your record…'));
  const scope = grantedScope(client);
  const [patient, conditions, medications] = await Promise.all([
    // Without Patient.rs the banner still says whose record this is, by id.
    grants(scope, 'Patient', 'r')
      ? (client.patient.read() as Promise<Patient>)
      : Promise.resolve<Patient>({ resourceType: 'Patient', id: patientId, name: [{ text: `Patient ${patientId}` }] }),
    conditionsSection(client, patientId, scope),
    medicationSections(client, patientId, scope),
  ]);
  const sections = [conditions, ...medications].map((s, i) =>
    h(
      'section',
      { class: 'card', 'aria-labelledby': `section-${i}` },
      h('h2', { id: `section-${i}` }, s.title),
      s.body,
    ),
  );
  show(patientBanner(patient), ...sections, sessionPanel(client));
}

async function start(): Promise<void> {
  const params = new URLSearchParams(window.location.search);
  const error = params.get('error');
  if (error) {
    // RFC 6749 §4.1.2.1: the server sent the person back with an error instead of a code.
    history.replaceState(null, '', window.location.pathname);
    showStart(errorBox('Access was not granted', authorizationErrorMessage(error, params.get('error_description'))));
    return;
  }
  const issuer = params.get('iss');
  if (params.has('code') && issuer !== null && issuer.replace(/\/+$/, '') !== serverBase(page)) {
    // RFC 9207 §2.4: a code from an issuer other than the one the app asked is never redeemed (mix-up defence).
    history.replaceState(null, '', window.location.pathname);
    showStart(errorBox('Sign-in could not be completed', `The answer came from an unexpected server (${issuer}).`));
    return;
  }
  const returning = params.has('code') || params.has('state') || sessionStorage.getItem('SMART_KEY') !== null;
  if (!returning) {
    showStart();
    return;
  }
  let client: Client;
  try {
    client = await FHIR.oauth2.ready();
  } catch (e) {
    const fresh = params.has('code') || params.has('state');
    showStart(fresh ? errorBox('Sign-in could not be completed', messageOf(e)) : null);
    return;
  }
  try {
    await showRecord(client);
  } catch (e) {
    show(errorBox('The record could not be loaded', messageOf(e)), launchButton());
  }
}

void start();
