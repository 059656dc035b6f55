import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SharedRateLimits1796516975285 implements MigrationInterface {
  name = 'SharedRateLimits1796516975285';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`rate_limit_counters\` (\`key_hash\` varchar(64) NOT NULL, \`window_start\` bigint NOT NULL, \`instance\` varchar(36) NOT NULL, \`hits\` int NOT NULL, INDEX \`idx_rate_limit_counters_window\` (\`window_start\`), PRIMARY KEY (\`key_hash\`, \`window_start\`, \`instance\`)) ENGINE=InnoDB`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_rate_limit_counters_window\` ON \`rate_limit_counters\``);
    await queryRunner.query(`DROP TABLE \`rate_limit_counters\``);
  }
}
