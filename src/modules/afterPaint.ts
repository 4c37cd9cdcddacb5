/** Resolves once the browser has painted the current frame: work that is not needed to show
 * the screen (opening the database, syncing) starts after it, so the first paint comes sooner. */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame === 'undefined') return resolve();
    requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
  });
}
