import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-strategy';

export type VerifyClient = (
  request: FastifyRequest,
  clientId: string,
  secret: string,
  done: (err: unknown, client?: unknown) => void,
) => void;

/**
 * HTTP Basic client authentication as RFC 6749 §2.3.1 defines it: id and secret are each
 * application/x-www-form-urlencoded before Base64 (which generic Basic strategies do not undo).
 */
export class BasicClientStrategy extends Strategy {
  name = 'oauth2-client-basic';

  constructor(private readonly verify: VerifyClient) {
    super();
  }

  override authenticate(req: unknown): void {
    const request = req as FastifyRequest;
    const credentials = basicCredentialsOf(request);
    if (!credentials) return this.fail({ message: 'no basic credentials' }, 401);
    this.verify(request, credentials.clientId, credentials.secret, (err, client) => {
      if (err) return this.error(err as Error);
      if (!client) return this.fail({ message: 'invalid client' }, 401);
      return this.success(client);
    });
  }
}

const PARSED = Symbol('ccri:basic-credentials');
type WithParsed = FastifyRequest & { [PARSED]?: { clientId: string; secret: string } | null };

/** `parseBasicCredentials` of the request's Authorization header, worked out once per request. */
export function basicCredentialsOf(request: FastifyRequest): { clientId: string; secret: string } | null {
  const memo = request as WithParsed;
  if (memo[PARSED] === undefined) memo[PARSED] = parseBasicCredentials(request.headers.authorization);
  return memo[PARSED];
}

/** The client id and secret of a Basic header, or null when the header is not Basic or is malformed. */
export function parseBasicCredentials(header: string | undefined): { clientId: string; secret: string } | null {
  if (!header) return null;
  const m = /^Basic[ ]+([A-Za-z0-9+/]+=*)\s*$/i.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return null;
  try {
    const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}
