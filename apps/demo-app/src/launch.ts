import './styles.css';
import FHIR from 'fhirclient';
import { errorBox, h, show } from './dom';
import { CLIENT_ID, EHR_SCOPE, fhirBase, redirectUri } from './smart-config';

const page = window.location.href;

/**
 * SMART App Launch 2.2 §EHR launch: the EHR opens this page with `iss` and `launch`; fhirclient reads both from the
 * URL. The app only trusts its own server: an `iss` elsewhere could send the person's sign-in to a stranger.
 */
function start(): void {
  const params = new URLSearchParams(window.location.search);
  const iss = params.get('iss');
  const launch = params.get('launch');
  if (!iss || !launch) {
    show(
      h('h1', {}, 'EHR launch'),
      errorBox(
        'This page is opened by the EHR',
        'It needs the iss and launch parameters. Launch the app from the dashboard, or use the standalone launch.',
        h('p', {}, h('a', { href: './' }, 'Standalone launch')),
      ),
    );
    return;
  }
  if (iss.replace(/\/+$/, '') !== fhirBase(page)) {
    show(
      h('h1', {}, 'EHR launch'),
      errorBox('Unknown FHIR server', `This demo app only works with ${fhirBase(page)}, not ${iss}.`),
    );
    return;
  }
  FHIR.oauth2
    .authorize({ clientId: CLIENT_ID, scope: EHR_SCOPE, redirectUri: redirectUri(page), pkceMode: 'required' })
    .catch((error: unknown) =>
      show(
        h('h1', {}, 'EHR launch'),
        errorBox('The launch failed', error instanceof Error ? error.message : String(error)),
      ),
    );
}

start();
