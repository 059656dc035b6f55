import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { FhirModule } from '../fhir/fhir.module';
import { DemoService } from './demo.service';

@Module({ imports: [ClientsModule, FhirModule], providers: [DemoService] })
export class DemoModule {}
