import { db } from '../db/database';
import { storageUnavailable } from './storageState';
import { flushAllDrafts } from '../composables/useDraft';
import { useNoticesStore } from '../stores/notices';


export function installStorage(): void {
  const database = db();
  database.open().catch((e: unknown) => {
    console.error('IndexedDB unavailable', e);
    storageUnavailable.value = true;
  });
  // A newer version of the app opened in another tab wants to upgrade the database: save the
  // drafts while the connection is still ours, then step aside and reload on the new code.
  database.on('versionchange', () => {
    void (async () => {
      await flushAllDrafts().catch(() => undefined);
      database.close();
      useNoticesStore().show('info', 'update.otherTab');
      setTimeout(() => location.reload(), 1500);
    })();
    return false;
  });
}
