import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SignInFailures1796518515496 implements MigrationInterface {
  name = 'SignInFailures1796518515496';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`sign_in_failures\` (\`key_hash\` varchar(64) NOT NULL, \`failures\` int NOT NULL, \`window_start\` bigint NOT NULL, INDEX \`idx_sign_in_failures_window\` (\`window_start\`), PRIMARY KEY (\`key_hash\`)) ENGINE=InnoDB`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_sign_in_failures_window\` ON \`sign_in_failures\``);
    await queryRunner.query(`DROP TABLE \`sign_in_failures\``);
  }
}
