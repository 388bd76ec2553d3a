/** A fresh, migrated PostgreSQL database for one benchmark (dropped afterwards). */
import { openPostgres, type Database } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createScratchDatabase } from '../src/offline/local.ts';

export async function benchDatabase(
  serverUrl: string,
): Promise<{ url: string; database: Database; drop: () => Promise<void> }> {
  const scratch = await createScratchDatabase(serverUrl, 'bench');
  const database = openPostgres(scratch.url, 4);
  await migrateToLatest(database.db);
  return {
    url: scratch.url,
    database,
    drop: async () => {
      await database.close();
      await scratch.drop();
    },
  };
}
