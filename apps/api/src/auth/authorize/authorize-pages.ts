import type { DirectoryEntry } from '@ccri/contracts';
import { html, page, SafeHtml } from './html-page';

/** Form field names the pages post (a browser test drives them by these names and by the visible labels). */
export const FIELD = {
  interaction: 'interaction',
  csrf: 'csrf_token',
  username: 'username',
  password: 'password',
  scope: 'scope',
  decision: 'decision',
  search: 'search',
  patient: 'patient',
} as const;

/** An external OpenID provider's button on the sign-in page (federated sign-in fills this list). */
export interface FederatedProvider {
  name: string;
  /** Where the button goes (`/auth/federation/{provider}/start`); the interaction is passed along. */
  startUrl: string;
}

export interface PageContext {
  clientName: string;
  interaction: string;
  csrf: string;
}

function hidden(ctx: PageContext): SafeHtml {
  return html`${ctx.interaction ? html`<input type="hidden" name="${FIELD.interaction}" value="${ctx.interaction}" />` : ''}
    <input type="hidden" name="${FIELD.csrf}" value="${ctx.csrf}" />`;
}

function errorBox(message?: string): SafeHtml {
  return message ? html`<p class="error" role="alert">${message}</p>` : html``;
}

/**
 * The sign-in page. Without an interaction (the account page: `action` and `intro` given, no app asking), it posts
 * to `action` and the same sign-in runs there.
 */
export function signInPage(
  ctx: PageContext & {
    error?: string;
    username?: string;
    providers?: FederatedProvider[];
    action?: string;
    intro?: SafeHtml;
  },
): string {
  const providers = ctx.providers ?? [];
  return page(
    'Sign in',
    html`<h1>Sign in</h1>
      ${ctx.intro ?? html`<p><strong>${ctx.clientName}</strong> wants to use your health records. Sign in to continue.</p>`}
      ${errorBox(ctx.error)}
      <form method="post" action="${ctx.action ?? '/auth/authorize/sign-in'}">
        ${hidden(ctx)}
        <label for="username">Username</label>
        <input
          type="text"
          id="username"
          name="${FIELD.username}"
          value="${ctx.username ?? ''}"
          autocomplete="username"
          autocapitalize="none"
          required
          autofocus
        />
        <label for="password">Password</label>
        <input type="password" id="password" name="${FIELD.password}" autocomplete="current-password" required />
        <div class="actions"><button type="submit">Sign in</button></div>
      </form>
      <!-- Federated sign-in: one "Sign in with {provider}" button per external provider enabled for people. -->
      ${
        providers.length > 0
          ? html`<section class="federated" aria-label="Other ways to sign in">
              ${providers.map(
                (p) =>
                  html`<form method="get" action="${p.startUrl}">
                    <input type="hidden" name="${FIELD.interaction}" value="${ctx.interaction}" />
                    <button type="submit">Sign in with ${p.name}</button>
                  </form>`,
              )}
            </section>`
          : html``
      }`,
  );
}

export interface ConsentScope {
  scope: string;
  description: string;
}

export function consentPage(
  ctx: PageContext & { userName: string; scopes: ConsentScope[]; patientName?: string },
): string {
  return page(
    `Allow ${ctx.clientName}?`,
    html`<h1>Allow ${ctx.clientName}?</h1>
      <p>
        Signed in as <strong>${ctx.userName}</strong>. <strong>${ctx.clientName}</strong> asks for the access
        below${ctx.patientName ? html` to the records of <strong>${ctx.patientName}</strong>` : html``}. Untick anything
        you do not want to allow.
      </p>
      <form method="post" action="/auth/authorize/consent">
        ${hidden(ctx)}
        <fieldset>
          <legend class="muted">Access requested</legend>
          ${ctx.scopes.map(
            (s, i) =>
              html`<div class="scope">
                <input type="checkbox" id="scope-${i}" name="${FIELD.scope}" value="${s.scope}" checked />
                <label for="scope-${i}"><code>${s.scope}</code> ${s.description}</label>
              </div>`,
          )}
        </fieldset>
        <div class="actions">
          <button type="submit" name="${FIELD.decision}" value="allow">Allow</button>
          <button type="submit" name="${FIELD.decision}" value="deny" class="secondary">Deny</button>
        </div>
      </form>`,
  );
}

export interface PatientMatch {
  id: string;
  name: string;
  birthDate: string | null;
  nhsNumber: string | null;
}

/** A directory entry (`/api/directory`'s shape, `Patient/{id}`) as the patient picker shows it. */
export function patientMatch(entry: DirectoryEntry): PatientMatch {
  return {
    id: entry.reference.slice(entry.reference.indexOf('/') + 1),
    name: entry.display,
    birthDate: entry.birth_date ?? null,
    nhsNumber: entry.nhs_number ?? null,
  };
}

export function patientPickerPage(
  ctx: PageContext & { search: string; matches: PatientMatch[] | null; error?: string },
): string {
  return page(
    'Choose a patient',
    html`<h1>Choose a patient</h1>
      <p><strong>${ctx.clientName}</strong> will open the records of the patient you choose.</p>
      ${errorBox(ctx.error)}
      <form method="get" action="/auth/authorize/patients" role="search">
        <input type="hidden" name="${FIELD.interaction}" value="${ctx.interaction}" />
        <label for="search">Search patients</label>
        <input
          type="search"
          id="search"
          name="${FIELD.search}"
          value="${ctx.search}"
          placeholder="Name or NHS number"
          required
        />
        <div class="actions"><button type="submit" class="secondary">Search</button></div>
      </form>
      ${
        ctx.matches === null
          ? html``
          : ctx.matches.length === 0
            ? html`<p class="muted">No patients match.</p>`
            : html`<form method="post" action="/auth/authorize/patient">
                ${hidden(ctx)}
                ${ctx.matches.map(
                  (m) =>
                    html`<button type="submit" class="patient" name="${FIELD.patient}" value="${m.id}">
                      ${m.name} · born ${m.birthDate ?? 'unknown'} · NHS number ${m.nhsNumber ?? 'none'}
                    </button>`,
                )}
              </form>`
      }`,
  );
}

export function errorPage(title: string, message: string): string {
  return page(
    title,
    html`<h1>${title}</h1>
      <p class="error" role="alert">${message}</p>`,
  );
}
