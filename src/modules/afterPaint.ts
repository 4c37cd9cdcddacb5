/**
 * Resolves once the browser has painted the current frame: work that is not needed to show
 * the screen (opening the database, syncing) starts after it, so the first paint comes sooner.
 *
 * Animation frames alone are not enough for the very first screen: a frame's callbacks run before
 * the frame reaches the glass, which on a busy phone is noticeably later. Until the first
 * contentful paint has been reported, wait for that report (or a short time, e.g. in a tab that
 * is hidden and so never paints).
 */
const FIRST_PAINT_WAIT_MS = 1500;
let firstPaint: Promise<void> | undefined;

function firstContentfulPaint(): Promise<void> {
  firstPaint ??= new Promise<void>((resolve) => {
    try {
      if (!PerformanceObserver.supportedEntryTypes?.includes('paint')) return resolve();
      if (performance.getEntriesByName('first-contentful-paint').length > 0) return resolve();
      const observer = new PerformanceObserver((list) => {
        if (list.getEntriesByName('first-contentful-paint').length === 0) return;
        observer.disconnect();
        resolve();
      });
      observer.observe({ type: 'paint', buffered: true });
      setTimeout(() => {
        observer.disconnect();
        resolve();
      }, FIRST_PAINT_WAIT_MS);
    } catch {
      // No paint timing here (old WebKit, tests): frames only.
      resolve();
    }
  });
  return firstPaint;
}

function twoFrames(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame === 'undefined') return resolve();
    requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
  });
}

export function afterPaint(): Promise<void> {
  return firstContentfulPaint().then(twoFrames);
}

/** Resolves when the browser has a quiet moment (at most `timeoutMs` later): work that nobody is
 * waiting for goes in its own task there, instead of lengthening the one that shows data. */
export function whenIdle(timeoutMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: timeoutMs });
    else setTimeout(resolve, 50);
  });
}
