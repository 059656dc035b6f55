import type { ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../common/errors/domain-error';
import type { DevelopersService } from '../developers.service';
import { DeveloperSessionGuard } from './developer-session.guard';

function contextFor(request: Partial<FastifyRequest>): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

describe('DeveloperSessionGuard', () => {
  const principal = { id: 'dev-1', email: 'dev@example.org', jti: 'j-1' };
  const developers = {
    verifySession: jest.fn(async (token: string) =>
      token === 'good' ? principal : Promise.reject(new DomainError(401, 'invalid_session', 'no')),
    ),
  };
  const guard = new DeveloperSessionGuard(developers as unknown as DevelopersService);

  it.each([
    ['no Authorization header', undefined],
    ['another scheme', 'Basic Zm9vOmJhcg=='],
    ['an empty bearer', 'Bearer '],
  ])('refuses %s as not signed in, with a Bearer challenge', async (_name, authorization) => {
    const error = await guard.canActivate(contextFor({ headers: { authorization } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      status: 401,
      code: 'not_signed_in',
      options: { wwwAuthenticate: 'Bearer realm="ccri-portal"' },
    });
  });

  it('passes on what the session check refuses', async () => {
    await expect(guard.canActivate(contextFor({ headers: { authorization: 'Bearer bad' } }))).rejects.toMatchObject({
      code: 'invalid_session',
    });
  });

  it('puts the developer on the request and in the audit record', async () => {
    const request: Partial<FastifyRequest> = {
      headers: { authorization: 'bearer good' },
      audit: { category: 'admin', action: 'x' },
    };
    await expect(guard.canActivate(contextFor(request))).resolves.toBe(true);
    expect(request.developer).toEqual(principal);
    expect(request.audit?.actor).toBe('developer:dev@example.org');
  });
});
