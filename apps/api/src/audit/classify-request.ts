import type { AuditContext } from '../common/http/audit-stage';

/**
 * Which requests the audit trail records, and under what action: every token, revocation, introspection and
 * registration request, every FHIR interaction, and every management change (reads of /api are not actions).
 * This opens each request's record from its method and path alone, so a request refused before any guard ran is
 * still recorded. Once a route is matched, its own declaration names the action and resource (`@AuditAction`,
 * `@AuditResource`, and `@FhirInteraction` for every FHIR route: staged by RouteDeclarationGuard, the first guard);
 * the FHIR interaction read from the URL here only stands for the requests no route handler sees (no such route,
 * a body the parser refuses, a wrong content type).
 */
export function classifyRequest(method: string, url: string): AuditContext | null {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (path.includes('/.well-known/')) return null;
  if (path === '/auth/token') return { category: 'token', action: 'token' };
  if (path === '/auth/revoke') return { category: 'token', action: 'revoke' };
  if (path === '/auth/introspect') return { category: 'token', action: 'introspect' };
  if (path === '/auth/register' || path.startsWith('/auth/register/'))
    return { category: 'registration', action: `register.${method.toLowerCase()}` };
  if (path === '/fhir' || path.startsWith('/fhir/')) return { category: 'fhir', ...fhirInteraction(method, path) };
  if (path.startsWith('/api/') && method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
    return { category: 'admin', action: `${method} ${path}`.slice(0, 64) };
  }
  return null;
}

/** The FHIR RESTful interaction a request's URL asks for (FHIR R4 http.html §3.1.0), for requests no route matched. */
function fhirInteraction(method: string, path: string): Pick<AuditContext, 'action' | 'resource_type' | 'resource_id'> {
  const parts = path.split('/').filter(Boolean).slice(1);
  const [type, id, op, version] = parts;
  if (parts.length === 0)
    return { action: method === 'POST' ? 'transaction' : method === 'GET' ? 'search-system' : 'unknown' };
  if (type === 'metadata') return { action: 'capabilities' };
  if (type === '_history') return { action: 'history-system' };
  if (type === '_search') return { action: 'search-system' };
  const base = { resource_type: type.slice(0, 64), resource_id: id && !id.startsWith('_') ? id.slice(0, 100) : null };
  if (id === undefined)
    return {
      ...base,
      action:
        method === 'POST'
          ? 'create'
          : method === 'GET'
            ? 'search-type'
            : method === 'DELETE'
              ? 'conditional-delete'
              : 'unknown',
    };
  if (id === '_search') return { ...base, action: 'search-type' };
  if (id === '_history') return { ...base, action: 'history-type' };
  if (op === '_history') return { ...base, action: version ? 'vread' : 'history-instance' };
  switch (method) {
    case 'GET':
      return { ...base, action: 'read' };
    case 'PUT':
      return { ...base, action: 'update' };
    case 'PATCH':
      return { ...base, action: 'patch' };
    case 'DELETE':
      return { ...base, action: 'delete' };
    default:
      return { ...base, action: 'operation' };
  }
}
