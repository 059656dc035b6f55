import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RefreshTokens1796515673486 implements MigrationInterface {
  name = 'RefreshTokens1796515673486';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`refresh_tokens\` (\`token_hash\` varchar(64) NOT NULL, \`grant_id\` varchar(36) NOT NULL, \`client_id\` varchar(100) NOT NULL, \`user_id\` varchar(36) NOT NULL, \`scope\` text NOT NULL, \`patient\` varchar(64) NULL, \`encounter\` varchar(64) NULL, \`session_id\` varchar(64) NULL, \`auth_time\` datetime(3) NOT NULL, \`created_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`expires_at\` datetime(3) NOT NULL, \`used_at\` datetime(3) NULL, \`revoked_at\` datetime(3) NULL, INDEX \`idx_refresh_tokens_grant\` (\`grant_id\`), PRIMARY KEY (\`token_hash\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(`ALTER TABLE \`issued_tokens\` ADD \`grant_id\` varchar(36) NULL`);
    await queryRunner.query(`CREATE INDEX \`idx_issued_tokens_grant\` ON \`issued_tokens\` (\`grant_id\`)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_issued_tokens_grant\` ON \`issued_tokens\``);
    await queryRunner.query(`ALTER TABLE \`issued_tokens\` DROP COLUMN \`grant_id\``);
    await queryRunner.query(`DROP INDEX \`idx_refresh_tokens_grant\` ON \`refresh_tokens\``);
    await queryRunner.query(`DROP TABLE \`refresh_tokens\``);
  }
}
