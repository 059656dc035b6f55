import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientEntity } from '../clients/client.entity';
import { ClientsModule } from '../clients/clients.module';
import { FhirModule } from '../fhir/fhir.module';
import { DemoService } from './demo.service';
import { DemoSmartAppSeeder } from './demo-smart-app.seeder';

@Module({
  imports: [ClientsModule, FhirModule, TypeOrmModule.forFeature([ClientEntity])],
  providers: [DemoService, DemoSmartAppSeeder],
})
export class DemoModule {}
