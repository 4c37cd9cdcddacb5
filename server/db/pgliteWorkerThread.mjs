/**
 * The worker thread's entry: a worker starts from a JavaScript file, and the server is TypeScript
 * run by tsx (`npm start`) or by Vitest, neither of which compiles a worker's files. tsx's scoped
 * import compiles this one (and what it imports) whichever way the server was started.
 */
import { tsImport } from 'tsx/esm/api';

await tsImport('./pgliteWorkerThread.ts', import.meta.url);
