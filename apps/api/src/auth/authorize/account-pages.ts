import { FIELD, type ConsentScope } from './authorize-pages';
import { html, page } from './html-page';

/** Form field of the account page's Revoke buttons: the grant to revoke. */
export const GRANT_FIELD = 'grant';

export interface AllowedApp {
  grantId: string;
  clientName: string;
  scopes: ConsentScope[];
  patientName?: string;
  allowedAt: Date;
  lastUsedAt: Date | null;
}

function when(date: Date): ReturnType<typeof html> {
  const iso = date.toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

/** A signed-in person's account page: the apps they allowed (each revocable) and sign-out. */
export function accountPage(ctx: { userName: string; csrf: string; apps: AllowedApp[] }): string {
  const csrf = html`<input type="hidden" name="${FIELD.csrf}" value="${ctx.csrf}" />`;
  return page(
    'Your account',
    html`<h1>Your account</h1>
      <p>Signed in as <strong>${ctx.userName}</strong>.</p>
      <h2>Apps you have allowed</h2>
      ${
        ctx.apps.length === 0
          ? html`<p class="muted">You have not allowed any apps.</p>`
          : ctx.apps.map(
              (a) =>
                html`<section class="grant" aria-label="${a.clientName}">
                  <h3>${a.clientName}</h3>
                  ${a.patientName ? html`<p>For the records of <strong>${a.patientName}</strong></p>` : html``}
                  <ul>
                    ${a.scopes.map((s) => html`<li><code>${s.scope}</code> ${s.description}</li>`)}
                  </ul>
                  <p class="muted">
                    Allowed ${when(a.allowedAt)} · Last used ${a.lastUsedAt ? when(a.lastUsedAt) : 'never'}
                  </p>
                  <form method="post" action="/auth/account/revoke">
                    ${csrf}
                    <input type="hidden" name="${GRANT_FIELD}" value="${a.grantId}" />
                    <button type="submit" class="secondary" aria-label="Revoke ${a.clientName}">Revoke</button>
                  </form>
                </section>`,
            )
      }
      <form method="post" action="/auth/account/sign-out">
        ${csrf}
        <div class="actions"><button type="submit">Sign out</button></div>
      </form>`,
  );
}
