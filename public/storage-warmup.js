// The first read of localStorage in a page loads the whole store from the browser process and
// waits for it (tens of milliseconds on a busy phone). Read once here, while the app's code is
// still downloading, so that the app's own first reads do not wait inside its first long task.
try {
  localStorage.getItem('cds.language');
} catch {
  // No storage (private mode, blocked): the app copes on its own.
}
