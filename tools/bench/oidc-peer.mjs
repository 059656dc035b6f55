// The peer the token rows of `npm run bench` are compared with: panva's oidc-provider (a dev dependency), issuing
// the same kind of token as the product: the client_credentials grant with client_secret_basic, a JWT access token
// (RFC 9068 through Resource Indicators, `accessTokenFormat: 'jwt'`) signed with PEER_ALG. Its default in-memory
// adapter; one process, as `node` runs it. Started by peers.mjs on 127.0.0.1:PORT with issuer PUBLIC_URL.
//
//   PEER_ALG            RS256 | PS256 | ES256 | ES384 | EdDSA
//   PEER_CLIENT_ID      the one client, and PEER_CLIENT_SECRET its secret
//   PEER_SCOPE          the scopes the client may ask for (the product's client's, so both tokens carry the same)
//   PEER_AUDIENCE       the resource server (the product's FHIR base), the access token's `aud`
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { KEY_TYPES } from './peers.mjs';

const { PORT, PUBLIC_URL, PEER_ALG, PEER_CLIENT_ID, PEER_CLIENT_SECRET, PEER_SCOPE, PEER_AUDIENCE } = process.env;

if (!KEY_TYPES[PEER_ALG]) throw new Error(`PEER_ALG must be one of ${Object.keys(KEY_TYPES).join(', ')}`);
const [type, options] = KEY_TYPES[PEER_ALG];
const { privateKey } = generateKeyPairSync(type, options);
const jwk = { ...privateKey.export({ format: 'jwk' }), alg: PEER_ALG, use: 'sig', kid: `peer-${PEER_ALG}` };
const scopes = PEER_SCOPE.split(' ');

const provider = new Provider(PUBLIC_URL, {
  clients: [
    {
      client_id: PEER_CLIENT_ID,
      client_secret: PEER_CLIENT_SECRET,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      // Its own default (RS256) must be an enabled algorithm with a key; the peer has only PEER_ALG's.
      id_token_signed_response_alg: PEER_ALG,
      scope: PEER_SCOPE,
    },
  ],
  jwks: { keys: [jwk] },
  scopes,
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => PEER_AUDIENCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: PEER_SCOPE,
        audience: PEER_AUDIENCE,
        accessTokenTTL: 3600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: PEER_ALG } },
      }),
    },
  },
  enabledJWA: { idTokenSigningAlgValues: [PEER_ALG] },
  cookies: { keys: ['bench-peer-cookie-key-0123456789abcdef'] },
});

const server = createServer(provider.callback());
server.listen(Number(PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
