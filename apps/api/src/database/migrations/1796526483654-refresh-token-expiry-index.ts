import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RefreshTokenExpiryIndex1796526483654 implements MigrationInterface {
  name = 'RefreshTokenExpiryIndex1796526483654';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX \`idx_refresh_tokens_expires\` ON \`refresh_tokens\` (\`expires_at\`)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_refresh_tokens_expires\` ON \`refresh_tokens\``);
  }
}
