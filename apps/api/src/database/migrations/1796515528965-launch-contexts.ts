import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LaunchContexts1796515528965 implements MigrationInterface {
  name = 'LaunchContexts1796515528965';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`launch_contexts\` (\`launch_hash\` varchar(64) NOT NULL, \`client_id\` varchar(100) NOT NULL, \`patient\` varchar(64) NOT NULL, \`encounter\` varchar(64) NULL, \`created_by\` varchar(100) NOT NULL, \`created_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`expires_at\` datetime(3) NOT NULL, \`used_at\` datetime(3) NULL, INDEX \`idx_launch_contexts_expires\` (\`expires_at\`), PRIMARY KEY (\`launch_hash\`)) ENGINE=InnoDB`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_launch_contexts_expires\` ON \`launch_contexts\``);
    await queryRunner.query(`DROP TABLE \`launch_contexts\``);
  }
}
