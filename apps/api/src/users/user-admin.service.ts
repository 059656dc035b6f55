import { Injectable } from '@nestjs/common';
import type { EndUser, EndUserRole, Page } from '@ccri/contracts';
import { validationFailed } from '../common/errors/domain-error';
import { DirectoryService } from './directory.service';
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
  ) {}

  list(query: ListEndUsersQueryDto): Promise<Page<EndUser>> {
    return this.users.list(query);
  }

  async get(id: string): Promise<EndUser> {
    return this.users.toUser(await this.users.require(id));
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
    return this.users.toUser(updated);
  }

  remove(id: string): Promise<void> {
    return this.users.remove(id);
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
