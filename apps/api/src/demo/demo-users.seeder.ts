import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EndUserRole } from '@ccri/contracts';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DEMO_PATIENTS, DEMO_PRACTITIONERS } from '../fhir/demo/demo-data';
import { DirectoryService, DirectoryType } from '../users/directory.service';
import { UsersService } from '../users/users.service';

/** The demo's people: who signs in as whom. */
export const DEMO_USERS: { username: string; role: EndUserRole; type: DirectoryType; identifier: string }[] = [
  { username: 'patient', role: 'patient', type: 'Patient', identifier: DEMO_PATIENTS[0].nhsNumber },
  { username: 'practitioner', role: 'practitioner', type: 'Practitioner', identifier: DEMO_PRACTITIONERS[0].sdsUserId },
];

/**
 * Demo mode's end users, so a SMART app can be signed in to at once: `patient` (a demo Patient) and `practitioner`
 * (a demo Practitioner), with DEMO_USER_PASSWORD or a password generated and printed once. An account that exists is
 * left alone (only DEMO_USER_PASSWORD, the operator's word, is applied to it), so restarts change nothing.
 */
@Injectable()
export class DemoUsersSeeder {
  private readonly logger = new Logger(DemoUsersSeeder.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly directory: DirectoryService,
  ) {}

  async seed(): Promise<void> {
    const configured = this.config.demoUserPassword;
    const generated = configured ? null : randomBytes(18).toString('base64url');
    const created: string[] = [];
    for (const demo of DEMO_USERS) {
      const existing = await this.users.findByUsername(demo.username);
      if (existing) {
        if (configured && !(await this.users.hasPassword(existing, configured)))
          await this.users.update(existing.id, { password: configured });
        continue;
      }
      const [person] = await this.directory.find(demo.type, demo.identifier);
      if (!person) {
        this.logger.warn(`Demo user ${demo.username} not created: the demo ${demo.type} is not in the FHIR store`);
        continue;
      }
      await this.users.create({
        username: demo.username,
        display_name: person.display,
        role: demo.role,
        fhir_user: person.reference,
        password: configured ?? generated!,
      });
      created.push(`    ${demo.username} (${person.display}, ${person.reference})`);
    }
    if (created.length && generated) {
      // Printed once, to the console only (not the structured log), as the demo administrator's password is.
      process.stdout.write(
        `\n  Demo users created for SMART app sign-in at ${this.config.publicUrl}/auth/authorize\n${created.join('\n')}\n    password: ${generated}\n  (shown only now; set DEMO_USER_PASSWORD to choose it)\n\n`,
      );
    }
  }
}
