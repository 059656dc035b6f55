/** The signed-in integrator of a developer-portal request (set by DeveloperSessionGuard). */
export interface DeveloperPrincipal {
  /** The account id: the `owner` of the developer's clients. */
  id: string;
  email: string;
  /** The session token's id, revoked on sign-out. */
  jti: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    developer?: DeveloperPrincipal;
  }
}

/** How a developer appears as `actor` in the audit trail, apart from administrators' usernames. */
export function auditActor(email: string): string {
  return `developer:${email}`;
}
