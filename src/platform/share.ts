/**
 * Sends a file to another app through the phone's share sheet (Zalo, mail…) where the browser can
 * share files, else downloads it. Web Share with files is missing on most desktops and in Firefox.
 */
export type ShareOutcome = 'shared' | 'downloaded' | 'cancelled';

export function canShareFiles(file: File): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.canShare === 'function' && navigator.canShare({ files: [file] });
}

export function downloadFile(file: File): void {
  const url = URL.createObjectURL(file);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the click; the address is not needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export async function shareOrDownload(file: File, title: string): Promise<ShareOutcome> {
  if (canShareFiles(file)) {
    try {
      await navigator.share({ files: [file], title });
      return 'shared';
    } catch (e) {
      if ((e as DOMException).name === 'AbortError') return 'cancelled';
      // Sharing was refused (no user gesture left, a blocked type): the download still works.
    }
  }
  downloadFile(file);
  return 'downloaded';
}
