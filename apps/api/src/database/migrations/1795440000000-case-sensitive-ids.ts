import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every column that holds a FHIR resource id (the resource's own, or a reference's target). */
const ID_COLUMNS: [table: string, column: string][] = [
  ['fhir_resources', 'id'],
  ['fhir_resource_history', 'id'],
  ['fhir_string_index', 'resource_id'],
  ['fhir_token_index', 'resource_id'],
  ['fhir_date_index', 'resource_id'],
  ['fhir_quantity_index', 'resource_id'],
  ['fhir_uri_index', 'resource_id'],
  ['fhir_reference_index', 'resource_id'],
  ['fhir_reference_index', 'target_id'],
];

/**
 * FHIR ids are case-sensitive (R4 datatypes.html#id), but MySQL's default collations fold case: `Patient/ABC` would
 * have been `Patient/abc`, and an update-as-create of one would overwrite the other. The id columns compare bytes.
 */
export class CaseSensitiveIds1795440000000 implements MigrationInterface {
  name = 'CaseSensitiveIds1795440000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, column] of ID_COLUMNS) {
      await queryRunner.query(
        `ALTER TABLE \`${table}\` MODIFY \`${column}\` varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, column] of ID_COLUMNS) {
      await queryRunner.query(
        `ALTER TABLE \`${table}\` MODIFY \`${column}\` varchar(64) CHARACTER SET utf8mb4 NOT NULL`,
      );
    }
  }
}
