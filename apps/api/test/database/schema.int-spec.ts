import { DataSource } from 'typeorm';
import { createTestApp, databases } from '../support/test-app';

// SQLite is synchronised from the entities; MySQL gets its schema only from migrations. Either way, once the app
// has started, the database must hold exactly what the entities describe.
describe.each(databases())('the %s schema', (db) => {
  it('matches the entities, with nothing left to change', async () => {
    const t = await createTestApp(db);
    try {
      const ds = t.app.get(DataSource);
      if (db === 'mysql') expect(ds.migrations.length).toBeGreaterThan(0);
      const pending = await ds.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
