import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientEntity } from '../clients/client.entity';
import { ClientsModule } from '../clients/clients.module';
import { ClusterModule } from '../cluster/cluster.module';
import { FhirModule } from '../fhir/fhir.module';
import { UserAdminModule } from '../users/user-admin.module';
import { UsersModule } from '../users/users.module';
import { DemoUsersSeeder } from './demo-users.seeder';
import { DemoService } from './demo.service';
import { DemoSmartAppSeeder } from './demo-smart-app.seeder';

@Module({
  imports: [
    ClientsModule,
    ClusterModule,
    FhirModule,
    UsersModule,
    UserAdminModule,
    TypeOrmModule.forFeature([ClientEntity]),
  ],
  providers: [DemoService, DemoUsersSeeder, DemoSmartAppSeeder],
})
export class DemoModule {}
