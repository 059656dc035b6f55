import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Federation1796519638060 implements MigrationInterface {
  name = 'Federation1796519638060';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`external_identities\` (\`id\` varchar(36) NOT NULL, \`provider_id\` varchar(63) NOT NULL, \`issuer\` varchar(255) NOT NULL, \`subject\` varchar(255) NOT NULL, \`email\` varchar(254) NULL, \`local_kind\` varchar(16) NOT NULL, \`local_id\` varchar(36) NOT NULL, \`linked_at\` datetime(6) NOT NULL, INDEX \`idx_external_identities_local\` (\`local_kind\`, \`local_id\`), UNIQUE INDEX \`idx_external_identities_issuer_subject\` (\`issuer\`, \`subject\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`identity_providers\` (\`id\` varchar(63) NOT NULL, \`name\` varchar(100) NOT NULL, \`issuer\` varchar(500) NOT NULL, \`client_id\` varchar(255) NOT NULL, \`client_secret_encrypted\` text NOT NULL, \`scopes\` varchar(500) NOT NULL, \`audiences\` text NOT NULL, \`link_by_verified_email\` tinyint NOT NULL DEFAULT 0, \`auto_create\` tinyint NOT NULL DEFAULT 0, \`allowed_domains\` text NOT NULL, \`admin_allow_list\` text NOT NULL, \`created_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`updated_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`federation_logins\` (\`state_hash\` varchar(43) NOT NULL, \`bind_hash\` varchar(43) NOT NULL, \`provider_id\` varchar(63) NOT NULL, \`audience\` varchar(16) NOT NULL, \`nonce\` varchar(64) NOT NULL, \`code_verifier\` text NOT NULL, \`interaction\` text NULL, \`expires_at\` datetime(6) NOT NULL, \`consumed_at\` datetime(6) NULL, \`handoff_hash\` varchar(43) NULL, \`handoff_subject\` varchar(80) NULL, PRIMARY KEY (\`state_hash\`)) ENGINE=InnoDB`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \`federation_logins\``);
    await queryRunner.query(`DROP TABLE \`identity_providers\``);
    await queryRunner.query(`DROP INDEX \`idx_external_identities_issuer_subject\` ON \`external_identities\``);
    await queryRunner.query(`DROP INDEX \`idx_external_identities_local\` ON \`external_identities\``);
    await queryRunner.query(`DROP TABLE \`external_identities\``);
  }
}
