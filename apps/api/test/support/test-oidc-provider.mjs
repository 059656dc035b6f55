// A real OpenID provider (panva's oidc-provider) for the federated sign-in tests, run as its own process on
// loopback. Configured from OIDC_TEST_CONFIG (JSON: {clients, accounts}); tells its parent its issuer over IPC.
// Its built-in development login form takes any password: the login field is the account id.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const { clients, accounts } = JSON.parse(process.env.OIDC_TEST_CONFIG ?? '{}');

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients,
  async findAccount(_ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account }) };
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The relying party reads e-mail from the id_token itself.
  conformIdTokenClaims: false,
  cookies: { keys: ['test-oidc-provider-cookie-key-0123456789'] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
});
server.on('request', provider.callback());
process.send?.({ issuer });
process.on('disconnect', () => process.exit(0));
