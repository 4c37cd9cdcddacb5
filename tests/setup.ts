// Every test file gets a fresh in-memory IndexedDB.
import 'fake-indexeddb/auto';

// Tests talk to no address of their own choosing: in a DOM test, a request no test answered
// (vi.stubGlobal('fetch', …)) fails the way a phone without signal does, instead of reaching
// whatever listens on the DOM's own origin (http://localhost:3000).
if (typeof window !== 'undefined') {
  globalThis.fetch = (input: RequestInfo | URL) => Promise.reject(new TypeError(`Failed to fetch (no network in tests): ${String(input instanceof Request ? input.url : input)}`));
}
