import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ClusterLocks1796516461947 implements MigrationInterface {
  name = 'ClusterLocks1796516461947';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`cluster_locks\` (\`name\` varchar(64) NOT NULL, \`holder\` varchar(64) NOT NULL, \`expires_at\` datetime(3) NOT NULL, PRIMARY KEY (\`name\`)) ENGINE=InnoDB`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \`cluster_locks\``);
  }
}
