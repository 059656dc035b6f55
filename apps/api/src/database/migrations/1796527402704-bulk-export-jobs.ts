import type { MigrationInterface, QueryRunner } from 'typeorm';

export class BulkExportJobs1796527402704 implements MigrationInterface {
  name = 'BulkExportJobs1796527402704';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`bulk_export_jobs\` (\`id\` varchar(36) NOT NULL, \`client_id\` varchar(100) NOT NULL, \`level\` varchar(16) NOT NULL, \`group_id\` varchar(64) NULL, \`status\` varchar(16) NOT NULL, \`request\` text NOT NULL, \`parameters\` text NOT NULL, \`scope\` text NOT NULL, \`token_patient\` varchar(64) NULL, \`acting_patient\` varchar(64) NULL, \`transaction_time\` varchar(24) NOT NULL, \`progress\` varchar(200) NULL, \`resource_count\` int NOT NULL DEFAULT '0', \`output\` text NULL, \`error_output\` text NULL, \`error\` varchar(500) NULL, \`attempts\` int NOT NULL DEFAULT '0', \`owner\` varchar(36) NULL, \`lease_until\` datetime(3) NULL, \`polled_at\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL, \`completed_at\` datetime(3) NULL, \`expires_at\` datetime(3) NULL, INDEX \`idx_bulk_export_jobs_client\` (\`client_id\`, \`created_at\`), INDEX \`idx_bulk_export_jobs_status\` (\`status\`, \`lease_until\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_bulk_export_jobs_status\` ON \`bulk_export_jobs\``);
    await queryRunner.query(`DROP INDEX \`idx_bulk_export_jobs_client\` ON \`bulk_export_jobs\``);
    await queryRunner.query(`DROP TABLE \`bulk_export_jobs\``);
  }
}
