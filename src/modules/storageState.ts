import { ref } from 'vue';

/** True when the browser refuses IndexedDB (private mode, blocked): the app says so, never blank. */
export const storageUnavailable = ref(false);
