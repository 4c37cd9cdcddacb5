import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { Dexie } from 'dexie';
import { appDatabaseExists } from './teamStart';
import { DB_NAMES } from '../storageKeys';

describe('appDatabaseExists', () => {
  it('says no on a fresh phone, without creating the database, and yes once the app or its demo opened one', async () => {
    const factory = new IDBFactory();
    expect(await appDatabaseExists(factory)).toBe(false);
    expect(await appDatabaseExists(factory)).toBe(false);
    const other = new Dexie('something-else', { indexedDB: factory });
    other.version(1).stores({ t: 'id' });
    await other.open();
    expect(await appDatabaseExists(factory)).toBe(false);
    const demo = new Dexie(DB_NAMES.demo, { indexedDB: factory });
    demo.version(1).stores({ t: 'id' });
    await demo.open();
    expect(await appDatabaseExists(factory)).toBe(true);
  });

  it('says yes where the browser cannot tell, so the app starts as it always did', async () => {
    const old = { open: () => undefined } as unknown as IDBFactory;
    expect(await appDatabaseExists(old)).toBe(true);
    const failing = { databases: () => Promise.reject(new Error('blocked')) } as unknown as IDBFactory;
    expect(await appDatabaseExists(failing)).toBe(true);
  });
});
