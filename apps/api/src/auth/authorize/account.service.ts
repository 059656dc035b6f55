import { Injectable } from '@nestjs/common';
import { ScopesService } from '../../scopes/scopes.service';
import { SessionService } from '../../sessions/session.service';
import { actorOf } from '../../users/user-actor';
import { AuthorizationGrantsService } from '../grants/authorization-grants.service';
import { accountPage, type AllowedApp } from './account-pages';
import { errorPage } from './authorize-pages';
import { type AuditSink, type SignedIn, describeScope } from './authorize.service';
import { DirectoryService } from '../../users/directory.service';

/**
 * A person's own account page (RFC 9700 §2.2.2 / SMART App Launch: what a person allowed, they can withdraw): the
 * apps they allowed, revoking one (with every token issued under it), and signing out.
 */
@Injectable()
export class AccountService {
  constructor(
    private readonly grants: AuthorizationGrantsService,
    private readonly scopes: ScopesService,
    private readonly sessions: SessionService,
    private readonly directory: DirectoryService,
  ) {}

  async page(signedIn: SignedIn, csrf: string): Promise<string> {
    const { user } = signedIn;
    const catalog = new Map((await this.scopes.list()).map((e) => [e.scope, e.description]));
    const apps: AllowedApp[] = [];
    for (const g of await this.grants.list({ user: user.id })) {
      const patientName =
        g.patient && user.role !== 'patient'
          ? ((await this.directory.patient(g.patient))?.display ?? g.patient)
          : undefined;
      apps.push({
        grantId: g.id,
        clientName: g.client_name || g.client_id,
        scopes: g.scope
          .split(/\s+/)
          .filter(Boolean)
          .map((scope) => ({ scope, description: catalog.get(scope) ?? describeScope(scope) })),
        patientName,
        allowedAt: new Date(g.created_at),
        lastUsedAt: g.last_used_at ? new Date(g.last_used_at) : null,
      });
    }
    return accountPage({ userName: user.displayName || user.username, csrf, apps });
  }

  /**
   * Revokes one of the person's own grants and every token issued under it. Someone else's grant, an unknown one or
   * one already revoked is the same 404 page: nothing tells whether it exists.
   */
  async revokeGrant(
    signedIn: SignedIn,
    grantId: unknown,
    audit: AuditSink,
  ): Promise<{ status: number; html?: string }> {
    const actor = actorOf(signedIn.user);
    const grant = typeof grantId === 'string' ? await this.grants.find(grantId) : null;
    if (!grant || grant.userId !== signedIn.user.id || grant.revokedAt) {
      audit({ action: 'account.revoke-grant', outcome: 'denied', actor, reason: 'grant_not_found' });
      return {
        status: 404,
        html: errorPage('App not found', 'This is not one of the apps you have allowed, or it was already revoked.'),
      };
    }
    await this.grants.revoke(grant.id);
    audit({
      action: 'account.revoke-grant',
      outcome: 'success',
      actor,
      client_id: grant.clientId,
      scope: grant.scope,
    });
    return { status: 303 };
  }

  /** Ends the session the page was opened with. */
  async signOut(signedIn: SignedIn, audit: AuditSink): Promise<void> {
    await this.sessions.revoke(signedIn.claims.jti);
    audit({ action: 'account.sign-out', outcome: 'success', actor: actorOf(signedIn.user) });
  }
}
