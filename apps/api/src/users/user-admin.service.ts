import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import type { EndUser, EndUserRole, ExternalIdentity, Page } from '@ccri/contracts';
import { DomainError, notFound, validationFailed } from '../common/errors/domain-error';
import { IdentityProviderEntity } from '../federation/identity-provider.entity';
import { ExternalIdentityEntity } from '../federation/external-identity.entity';
import { DirectoryService } from './directory.service';
import type { LinkExternalIdentityDto } from './dto/link-external-identity.dto';
import type { CreateEndUserDto, ListEndUsersQueryDto, UpdateEndUserDto } from './dto/end-user.dto';
import { UsersService } from './users.service';

/** The FHIR resource type each role's `fhirUser` names (SMART App Launch 2.2 §scopes-and-launch-context: fhirUser). */
const ROLE_TYPES: Record<EndUserRole, string> = { patient: 'Patient', practitioner: 'Practitioner' };

/**
 * `/api/users`: administrators manage end users. Every account is linked to a resource that exists in the FHIR
 * store and fits its role, so the `fhirUser` claim an app receives always resolves.
 */
@Injectable()
export class UserAdminService {
  constructor(
    private readonly users: UsersService,
    private readonly directory: DirectoryService,
    @InjectRepository(ExternalIdentityEntity) private readonly links: Repository<ExternalIdentityEntity>,
    @InjectRepository(IdentityProviderEntity) private readonly providers: Repository<IdentityProviderEntity>,
  ) {}

  /** Links an external identity to this person by hand (the "waiting for an administrator" case). */
  async addExternalIdentity(userId: string, body: LinkExternalIdentityDto): Promise<ExternalIdentity> {
    const user = await this.users.require(userId);
    const provider = await this.providers.findOneBy({ id: body.provider_id });
    if (!provider)
      throw validationFailed('Unknown identity provider', [{ field: 'provider_id', message: 'no such provider' }]);
    if (await this.links.existsBy({ issuer: provider.issuer, subject: body.subject }))
      throw new DomainError(409, 'external_identity_linked', 'This external identity is already linked to an account');
    const id = randomUUID();
    await this.links.insert({
      id,
      providerId: provider.id,
      issuer: provider.issuer,
      subject: body.subject,
      email: body.email?.trim().toLowerCase() ?? null,
      localKind: 'user',
      localId: user.id,
      linkedAt: new Date(),
    });
    return (await this.linksOf(user.id)).find((l) => l.id === id)!;
  }

  /** The person's external identities (federated sign-in), oldest link first. */
  private async linksOf(userId: string): Promise<ExternalIdentity[]> {
    return (await this.linksOfEach([userId])).get(userId) ?? [];
  }

  /** The external identities of several people in one query, by user id, oldest link first. */
  private async linksOfEach(userIds: string[]): Promise<Map<string, ExternalIdentity[]>> {
    const byUser = new Map<string, ExternalIdentity[]>();
    if (userIds.length === 0) return byUser;
    const rows = await this.links.find({
      where: { localKind: 'user', localId: In(userIds) },
      order: { linkedAt: 'ASC' },
    });
    for (const r of rows) {
      const list = byUser.get(r.localId) ?? [];
      list.push({
        id: r.id,
        provider_id: r.providerId,
        issuer: r.issuer,
        subject: r.subject,
        email: r.email,
        linked_at: r.linkedAt.toISOString(),
      });
      byUser.set(r.localId, list);
    }
    return byUser;
  }

  /** Unlinks one external identity: it no longer signs this person in. */
  async removeExternalIdentity(userId: string, linkId: string): Promise<void> {
    const user = await this.users.require(userId);
    const deleted =
      linkId.length <= 36 ? await this.links.delete({ id: linkId, localKind: 'user', localId: user.id }) : null;
    if (!deleted?.affected)
      throw notFound('external_identity_not_found', `No external identity "${linkId.slice(0, 64)}" on this user`);
  }

  /** A page of people, each with their external identities (one query for the whole page's links). */
  async list(query: ListEndUsersQueryDto): Promise<Page<EndUser>> {
    const page = await this.users.list(query);
    const links = await this.linksOfEach(page.items.map((u) => u.id));
    return { ...page, items: page.items.map((u) => ({ ...u, external_identities: links.get(u.id) ?? [] })) };
  }

  async get(id: string): Promise<EndUser> {
    const user = await this.users.require(id);
    return this.users.toUser(user, await this.linksOf(user.id));
  }

  async create(body: CreateEndUserDto): Promise<EndUser> {
    await this.checkLink(body.role, body.fhir_user, true);
    return this.users.toUser(await this.users.create(body));
  }

  async update(id: string, body: UpdateEndUserDto): Promise<EndUser> {
    const user = await this.users.require(id);
    if (body.role !== undefined || body.fhir_user !== undefined) {
      const role = body.role ?? (user.role as EndUserRole);
      const fhirUser = body.fhir_user ?? user.fhirUser;
      await this.checkLink(role, fhirUser, fhirUser !== user.fhirUser);
    }
    const updated = await this.users.update(id, {
      displayName: body.display_name,
      email: body.email,
      role: body.role,
      fhirUser: body.fhir_user,
      enabled: body.enabled,
      password: body.password,
    });
    return this.users.toUser(updated, await this.linksOf(updated.id));
  }

  async remove(id: string): Promise<void> {
    await this.users.remove(id);
    await this.links.delete({ localKind: 'user', localId: id });
  }

  async signOutEverywhere(id: string): Promise<void> {
    await this.users.signOutEverywhere(id);
  }

  /** 400 with a `fhir_user` field error unless it names a resource of the role's type that exists. */
  private async checkLink(role: EndUserRole, fhirUser: string, mustExist: boolean): Promise<void> {
    const type = ROLE_TYPES[role];
    if (!fhirUser.startsWith(`${type}/`)) {
      const message = `fhir_user must be ${type}/{id} for a ${role}`;
      throw validationFailed(message, [{ field: 'fhir_user', message }]);
    }
    if (mustExist && !(await this.directory.read(fhirUser))) {
      const message = `fhir_user ${fhirUser} does not exist in the FHIR store`;
      throw validationFailed(message, [{ field: 'fhir_user', message }]);
    }
  }
}
