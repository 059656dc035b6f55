import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PeopleAndCodes1796514705983 implements MigrationInterface {
  name = 'PeopleAndCodes1796514705983';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`authorization_codes\` (\`code_hash\` varchar(64) NOT NULL, \`client_id\` varchar(100) NOT NULL, \`user_id\` varchar(36) NOT NULL, \`grant_id\` varchar(36) NOT NULL, \`redirect_uri\` varchar(2000) NOT NULL, \`code_challenge\` varchar(128) NOT NULL, \`scope\` text NOT NULL, \`patient\` varchar(64) NULL, \`encounter\` varchar(64) NULL, \`nonce\` varchar(512) NULL, \`auth_time\` datetime(3) NOT NULL, \`session_id\` varchar(64) NULL, \`expires_at\` datetime(3) NOT NULL, \`used_at\` datetime(3) NULL, INDEX \`idx_authorization_codes_expires\` (\`expires_at\`), PRIMARY KEY (\`code_hash\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`authorization_grants\` (\`id\` varchar(36) NOT NULL, \`user_id\` varchar(36) NOT NULL, \`client_id\` varchar(100) NOT NULL, \`scope\` text NOT NULL, \`patient\` varchar(64) NULL, \`encounter\` varchar(64) NULL, \`kind\` varchar(16) NOT NULL, \`session_id\` varchar(64) NULL, \`created_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`last_used_at\` datetime(3) NULL, \`expires_at\` datetime(3) NULL, \`revoked_at\` datetime(3) NULL, INDEX \`idx_authorization_grants_client\` (\`client_id\`), INDEX \`idx_authorization_grants_revoked\` (\`revoked_at\`), INDEX \`idx_authorization_grants_user_client\` (\`user_id\`, \`client_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`end_users\` (\`id\` varchar(36) NOT NULL, \`username\` varchar(100) NOT NULL, \`display_name\` varchar(200) NOT NULL, \`email\` varchar(254) NULL, \`role\` varchar(16) NOT NULL, \`fhir_user\` varchar(100) NOT NULL, \`password_hash\` varchar(255) NULL, \`enabled\` tinyint NOT NULL DEFAULT 1, \`sessions_valid_after\` datetime(3) NULL, \`created_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`updated_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), UNIQUE INDEX \`idx_end_users_username\` (\`username\`), INDEX \`idx_end_users_email\` (\`email\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(`ALTER TABLE \`oauth_clients\` ADD \`token_endpoint_auth_signing_alg\` varchar(16) NULL`);
    await queryRunner.query(`ALTER TABLE \`oauth_clients\` ADD \`redirect_uris\` text NULL`);
    await queryRunner.query(`ALTER TABLE \`oauth_clients\` ADD \`launch_uri\` varchar(2000) NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`oauth_clients\` DROP COLUMN \`launch_uri\``);
    await queryRunner.query(`ALTER TABLE \`oauth_clients\` DROP COLUMN \`redirect_uris\``);
    await queryRunner.query(`ALTER TABLE \`oauth_clients\` DROP COLUMN \`token_endpoint_auth_signing_alg\``);
    await queryRunner.query(`DROP INDEX \`idx_end_users_email\` ON \`end_users\``);
    await queryRunner.query(`DROP INDEX \`idx_end_users_username\` ON \`end_users\``);
    await queryRunner.query(`DROP TABLE \`end_users\``);
    await queryRunner.query(`DROP INDEX \`idx_authorization_grants_user_client\` ON \`authorization_grants\``);
    await queryRunner.query(`DROP INDEX \`idx_authorization_grants_revoked\` ON \`authorization_grants\``);
    await queryRunner.query(`DROP INDEX \`idx_authorization_grants_client\` ON \`authorization_grants\``);
    await queryRunner.query(`DROP TABLE \`authorization_grants\``);
    await queryRunner.query(`DROP INDEX \`idx_authorization_codes_expires\` ON \`authorization_codes\``);
    await queryRunner.query(`DROP TABLE \`authorization_codes\``);
  }
}
