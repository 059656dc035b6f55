import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { FhirModule } from '../fhir/fhir.module';
import { UserAdminModule } from '../users/user-admin.module';
import { UsersModule } from '../users/users.module';
import { DemoUsersSeeder } from './demo-users.seeder';
import { DemoService } from './demo.service';

@Module({
  imports: [ClientsModule, FhirModule, UsersModule, UserAdminModule],
  providers: [DemoService, DemoUsersSeeder],
})
export class DemoModule {}
