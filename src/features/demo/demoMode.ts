/** Demo mode: a realistic neighborhood in its own database, never in the outbox, never synced. */
import { Dexie } from 'dexie';
import { AppDB, resetDbInstance } from '../../db/database';
import { DB_NAMES } from '../../storageKeys';

/** Rows written per step while loading the demo, so its progress can be shown as it goes. */
const DEMO_CHUNK = 25;

export async function loadDemoData(onProgress?: (done: number, total: number) => void): Promise<void> {
  // The generator is only needed here, so it stays out of the main bundle.
  const { generateDemoData, seedDatabase, DEMO_SIZES } = await import('./generate');
  await Dexie.delete(DB_NAMES.demo);
  const demo = new AppDB(DB_NAMES.demo, true);
  try {
    await seedDatabase(demo, generateDemoData(DEMO_SIZES, { seed: Date.now() % 100000 }), { chunkSize: DEMO_CHUNK, onProgress });
  } finally {
    demo.close();
  }
  resetDbInstance();
}

export async function removeDemoData(): Promise<void> {
  resetDbInstance();
  await Dexie.delete(DB_NAMES.demo);
}
