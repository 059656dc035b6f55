import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795438027490 implements MigrationInterface {
  name = 'Init1795438027490';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`issued_tokens\` (\`jti\` varchar(64) NOT NULL, \`kind\` varchar(16) NOT NULL, \`client_id\` varchar(100) NOT NULL, \`scope\` text NOT NULL, \`patient\` varchar(64) NULL, \`kid\` varchar(64) NOT NULL, \`issued_at\` datetime(3) NOT NULL, \`expires_at\` datetime(3) NOT NULL, \`revoked_at\` datetime(3) NULL, INDEX \`idx_issued_tokens_expires\` (\`expires_at\`), INDEX \`idx_issued_tokens_revoked\` (\`revoked_at\`), INDEX \`idx_issued_tokens_client_exp\` (\`client_id\`, \`expires_at\`), PRIMARY KEY (\`jti\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`signing_keys\` (\`kid\` varchar(64) NOT NULL, \`alg\` varchar(10) NOT NULL, \`public_jwk\` text NOT NULL, \`private_pem\` text NOT NULL, \`status\` varchar(10) NOT NULL, \`created_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`retired_at\` datetime(3) NULL, \`remove_after\` datetime(3) NULL, INDEX \`idx_signing_keys_status\` (\`status\`), PRIMARY KEY (\`kid\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`admin_users\` (\`username\` varchar(100) NOT NULL, \`password_hash\` varchar(255) NOT NULL, \`role\` varchar(20) NOT NULL DEFAULT 'admin', \`created_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`updated_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), PRIMARY KEY (\`username\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`oauth_clients\` (\`client_id\` varchar(100) NOT NULL, \`client_name\` varchar(200) NOT NULL, \`description\` varchar(1000) NOT NULL DEFAULT '', \`secret_hash\` varchar(64) NULL, \`grant_types\` varchar(200) NOT NULL, \`token_endpoint_auth_method\` varchar(40) NOT NULL, \`scope\` text NOT NULL, \`jwks\` text NULL, \`jwks_uri\` varchar(2000) NULL, \`patient\` varchar(64) NULL, \`enabled\` tinyint NOT NULL DEFAULT 1, \`single_active_token\` tinyint NOT NULL DEFAULT 0, \`token_ttl_seconds\` int NULL, \`rate_limit_per_minute\` int NULL, \`registered_by\` varchar(16) NOT NULL DEFAULT 'admin', \`owner\` varchar(100) NULL, \`registration_token_hash\` varchar(64) NULL, \`status\` varchar(16) NOT NULL DEFAULT 'active', \`created_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`updated_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX \`idx_oauth_clients_owner\` (\`owner\`), INDEX \`idx_oauth_clients_status\` (\`status\`), PRIMARY KEY (\`client_id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`used_client_assertions\` (\`client_id\` varchar(100) NOT NULL, \`jti\` varchar(200) NOT NULL, \`expires_at\` datetime(3) NOT NULL, INDEX \`idx_used_assertions_expires\` (\`expires_at\`), PRIMARY KEY (\`client_id\`, \`jti\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`scope_catalog\` (\`scope\` varchar(255) NOT NULL, \`description\` varchar(1000) NOT NULL DEFAULT '', \`resource_types\` varchar(2000) NOT NULL DEFAULT '', \`self_service\` tinyint NOT NULL DEFAULT 0, PRIMARY KEY (\`scope\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`audit_events\` (\`id\` varchar(36) NOT NULL, \`recorded_at\` datetime(3) NOT NULL, \`category\` varchar(16) NOT NULL, \`action\` varchar(64) NOT NULL, \`client_id\` varchar(100) NULL, \`actor\` varchar(100) NULL, \`outcome\` varchar(8) NOT NULL, \`status\` int NOT NULL, \`reason\` varchar(200) NULL, \`resource_type\` varchar(64) NULL, \`resource_id\` varchar(100) NULL, \`scope\` text NULL, \`ip\` varchar(64) NOT NULL, \`request_id\` varchar(64) NOT NULL, INDEX \`idx_audit_recorded_at\` (\`recorded_at\`), INDEX \`idx_audit_category_time\` (\`category\`, \`recorded_at\`), INDEX \`idx_audit_type_time\` (\`resource_type\`, \`recorded_at\`), INDEX \`idx_audit_outcome_time\` (\`outcome\`, \`recorded_at\`), INDEX \`idx_audit_client_time\` (\`client_id\`, \`recorded_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`fhir_date_index\` (\`row_id\` int NOT NULL AUTO_INCREMENT, \`resource_type\` varchar(64) NOT NULL, \`resource_id\` varchar(64) NOT NULL, \`param\` varchar(64) NOT NULL, \`range_low\` bigint NOT NULL, \`range_high\` bigint NOT NULL, \`composite_group\` int NOT NULL DEFAULT '0', INDEX \`idx_fhir_date_resource\` (\`resource_type\`, \`resource_id\`, \`param\`), INDEX \`idx_fhir_date_high\` (\`resource_type\`, \`param\`, \`range_high\`, \`resource_id\`), INDEX \`idx_fhir_date_low\` (\`resource_type\`, \`param\`, \`range_low\`, \`range_high\`, \`resource_id\`), PRIMARY KEY (\`row_id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`fhir_resource_history\` (\`resource_type\` varchar(64) NOT NULL, \`id\` varchar(64) NOT NULL, \`version_id\` int NOT NULL, \`last_updated\` varchar(24) NOT NULL, \`deleted\` tinyint NOT NULL DEFAULT 0, \`content\` json NULL, INDEX \`idx_fhir_history_type_time\` (\`resource_type\`, \`last_updated\`, \`id\`, \`version_id\`), INDEX \`idx_fhir_history_time\` (\`last_updated\`, \`resource_type\`, \`id\`, \`version_id\`), PRIMARY KEY (\`resource_type\`, \`id\`, \`version_id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`fhir_resources\` (\`resource_type\` varchar(64) NOT NULL, \`id\` varchar(64) NOT NULL, \`version_id\` int NOT NULL, \`last_updated\` varchar(24) NOT NULL, \`deleted\` tinyint NOT NULL DEFAULT 0, \`content\` json NULL, INDEX \`idx_fhir_resources_page\` (\`resource_type\`, \`deleted\`, \`last_updated\`, \`id\`), PRIMARY KEY (\`resource_type\`, \`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`fhir_quantity_index\` (\`row_id\` int NOT NULL AUTO_INCREMENT, \`resource_type\` varchar(64) NOT NULL, \`resource_id\` varchar(64) NOT NULL, \`param\` varchar(64) NOT NULL, \`unit_system\` varchar(255) NOT NULL, \`unit_code\` varchar(255) NOT NULL, \`range_low\` double NOT NULL, \`range_high\` double NOT NULL, \`composite_group\` int NOT NULL DEFAULT '0', INDEX \`idx_fhir_quantity_resource\` (\`resource_type\`, \`resource_id\`, \`param\`), INDEX \`idx_fhir_quantity_high\` (\`resource_type\`, \`param\`, \`range_high\`, \`resource_id\`), INDEX \`idx_fhir_quantity_low\` (\`resource_type\`, \`param\`, \`range_low\`, \`resource_id\`), PRIMARY KEY (\`row_id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`fhir_reference_index\` (\`row_id\` int NOT NULL AUTO_INCREMENT, \`resource_type\` varchar(64) NOT NULL, \`resource_id\` varchar(64) NOT NULL, \`param\` varchar(64) NOT NULL, \`target_type\` varchar(64) NOT NULL, \`target_id\` varchar(64) NOT NULL, \`composite_group\` int NOT NULL DEFAULT '0', INDEX \`idx_fhir_reference_resource\` (\`resource_type\`, \`resource_id\`, \`param\`), INDEX \`idx_fhir_reference_target\` (\`resource_type\`, \`param\`, \`target_id\`, \`target_type\`, \`resource_id\`), PRIMARY KEY (\`row_id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`fhir_string_index\` (\`row_id\` int NOT NULL AUTO_INCREMENT, \`resource_type\` varchar(64) NOT NULL, \`resource_id\` varchar(64) NOT NULL, \`param\` varchar(64) NOT NULL, \`value_normalized\` varchar(255) NOT NULL, \`value_exact\` varchar(255) NOT NULL, \`composite_group\` int NOT NULL DEFAULT '0', INDEX \`idx_fhir_string_resource\` (\`resource_type\`, \`resource_id\`, \`param\`), INDEX \`idx_fhir_string_value\` (\`resource_type\`, \`param\`, \`value_normalized\`, \`resource_id\`), PRIMARY KEY (\`row_id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`fhir_token_index\` (\`row_id\` int NOT NULL AUTO_INCREMENT, \`resource_type\` varchar(64) NOT NULL, \`resource_id\` varchar(64) NOT NULL, \`param\` varchar(64) NOT NULL, \`token_system\` varchar(255) NOT NULL, \`token_code\` varchar(255) NOT NULL, \`composite_group\` int NOT NULL DEFAULT '0', INDEX \`idx_fhir_token_resource\` (\`resource_type\`, \`resource_id\`, \`param\`), INDEX \`idx_fhir_token_code\` (\`resource_type\`, \`param\`, \`token_code\`, \`token_system\`, \`resource_id\`), PRIMARY KEY (\`row_id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`fhir_uri_index\` (\`row_id\` int NOT NULL AUTO_INCREMENT, \`resource_type\` varchar(64) NOT NULL, \`resource_id\` varchar(64) NOT NULL, \`param\` varchar(64) NOT NULL, \`uri\` varchar(255) NOT NULL, \`composite_group\` int NOT NULL DEFAULT '0', INDEX \`idx_fhir_uri_resource\` (\`resource_type\`, \`resource_id\`, \`param\`), INDEX \`idx_fhir_uri_value\` (\`resource_type\`, \`param\`, \`uri\`, \`resource_id\`), PRIMARY KEY (\`row_id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`registration_initial_access_tokens\` (\`id\` varchar(36) NOT NULL, \`token_hash\` varchar(64) NOT NULL, \`max_uses\` int NOT NULL, \`uses\` int NOT NULL DEFAULT '0', \`expires_at\` datetime(6) NOT NULL, \`created_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), UNIQUE INDEX \`idx_initial_access_tokens_hash\` (\`token_hash\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`registration_settings\` (\`id\` int NOT NULL, \`policy\` varchar(32) NOT NULL, \`self_service_scopes\` text NOT NULL, \`updated_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`developer_accounts\` (\`id\` varchar(36) NOT NULL, \`email\` varchar(254) NOT NULL, \`name\` varchar(200) NOT NULL, \`password_hash\` varchar(255) NOT NULL, \`created_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`updated_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), UNIQUE INDEX \`idx_developer_accounts_email\` (\`email\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_developer_accounts_email\` ON \`developer_accounts\``);
    await queryRunner.query(`DROP TABLE \`developer_accounts\``);
    await queryRunner.query(`DROP TABLE \`registration_settings\``);
    await queryRunner.query(`DROP INDEX \`idx_initial_access_tokens_hash\` ON \`registration_initial_access_tokens\``);
    await queryRunner.query(`DROP TABLE \`registration_initial_access_tokens\``);
    await queryRunner.query(`DROP INDEX \`idx_fhir_uri_value\` ON \`fhir_uri_index\``);
    await queryRunner.query(`DROP INDEX \`idx_fhir_uri_resource\` ON \`fhir_uri_index\``);
    await queryRunner.query(`DROP TABLE \`fhir_uri_index\``);
    await queryRunner.query(`DROP INDEX \`idx_fhir_token_code\` ON \`fhir_token_index\``);
    await queryRunner.query(`DROP INDEX \`idx_fhir_token_resource\` ON \`fhir_token_index\``);
    await queryRunner.query(`DROP TABLE \`fhir_token_index\``);
    await queryRunner.query(`DROP INDEX \`idx_fhir_string_value\` ON \`fhir_string_index\``);
    await queryRunner.query(`DROP INDEX \`idx_fhir_string_resource\` ON \`fhir_string_index\``);
    await queryRunner.query(`DROP TABLE \`fhir_string_index\``);
    await queryRunner.query(`DROP INDEX \`idx_fhir_reference_target\` ON \`fhir_reference_index\``);
    await queryRunner.query(`DROP INDEX \`idx_fhir_reference_resource\` ON \`fhir_reference_index\``);
    await queryRunner.query(`DROP TABLE \`fhir_reference_index\``);
    await queryRunner.query(`DROP INDEX \`idx_fhir_quantity_low\` ON \`fhir_quantity_index\``);
    await queryRunner.query(`DROP INDEX \`idx_fhir_quantity_high\` ON \`fhir_quantity_index\``);
    await queryRunner.query(`DROP INDEX \`idx_fhir_quantity_resource\` ON \`fhir_quantity_index\``);
    await queryRunner.query(`DROP TABLE \`fhir_quantity_index\``);
    await queryRunner.query(`DROP INDEX \`idx_fhir_resources_page\` ON \`fhir_resources\``);
    await queryRunner.query(`DROP TABLE \`fhir_resources\``);
    await queryRunner.query(`DROP INDEX \`idx_fhir_history_time\` ON \`fhir_resource_history\``);
    await queryRunner.query(`DROP INDEX \`idx_fhir_history_type_time\` ON \`fhir_resource_history\``);
    await queryRunner.query(`DROP TABLE \`fhir_resource_history\``);
    await queryRunner.query(`DROP INDEX \`idx_fhir_date_low\` ON \`fhir_date_index\``);
    await queryRunner.query(`DROP INDEX \`idx_fhir_date_high\` ON \`fhir_date_index\``);
    await queryRunner.query(`DROP INDEX \`idx_fhir_date_resource\` ON \`fhir_date_index\``);
    await queryRunner.query(`DROP TABLE \`fhir_date_index\``);
    await queryRunner.query(`DROP INDEX \`idx_audit_client_time\` ON \`audit_events\``);
    await queryRunner.query(`DROP INDEX \`idx_audit_outcome_time\` ON \`audit_events\``);
    await queryRunner.query(`DROP INDEX \`idx_audit_type_time\` ON \`audit_events\``);
    await queryRunner.query(`DROP INDEX \`idx_audit_category_time\` ON \`audit_events\``);
    await queryRunner.query(`DROP INDEX \`idx_audit_recorded_at\` ON \`audit_events\``);
    await queryRunner.query(`DROP TABLE \`audit_events\``);
    await queryRunner.query(`DROP TABLE \`scope_catalog\``);
    await queryRunner.query(`DROP INDEX \`idx_used_assertions_expires\` ON \`used_client_assertions\``);
    await queryRunner.query(`DROP TABLE \`used_client_assertions\``);
    await queryRunner.query(`DROP INDEX \`idx_oauth_clients_status\` ON \`oauth_clients\``);
    await queryRunner.query(`DROP INDEX \`idx_oauth_clients_owner\` ON \`oauth_clients\``);
    await queryRunner.query(`DROP TABLE \`oauth_clients\``);
    await queryRunner.query(`DROP TABLE \`admin_users\``);
    await queryRunner.query(`DROP INDEX \`idx_signing_keys_status\` ON \`signing_keys\``);
    await queryRunner.query(`DROP TABLE \`signing_keys\``);
    await queryRunner.query(`DROP INDEX \`idx_issued_tokens_client_exp\` ON \`issued_tokens\``);
    await queryRunner.query(`DROP INDEX \`idx_issued_tokens_revoked\` ON \`issued_tokens\``);
    await queryRunner.query(`DROP INDEX \`idx_issued_tokens_expires\` ON \`issued_tokens\``);
    await queryRunner.query(`DROP TABLE \`issued_tokens\``);
  }
}
