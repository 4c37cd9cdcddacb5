// The first read of localStorage in a page loads the whole store from the browser process and
// waits for it (tens of milliseconds on a busy phone). Read once here, while the app's code is
// still downloading, so that the app's own first reads do not wait inside its first long task.
//
// The large-text choice (STORAGE_KEYS.largeText, applied again by the settings store) is set here
// too: index.html's hidden paragraph is then laid out in the larger sizes while the code downloads,
// instead of the app's first frame looking up every larger font size in its own long task.
try {
  localStorage.getItem('cds.language');
  if (localStorage.getItem('cds.largeText') === '1') document.documentElement.classList.add('large-text');
} catch {
  // No storage (private mode, blocked): the app copes on its own.
}
