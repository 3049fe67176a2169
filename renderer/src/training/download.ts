/**
 * Offers a file the editor made (curves as CSV or PNG) for saving, the way Export… offers
 * its files: a Blob URL followed as an `<a download>` link — the browser's download in
 * browser mode, Electron's save path in the app.
 */

/** Starts the download of `blob` as `name`; the URL is released once the click is handled. */
export function offerDownload(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken the URL once the click's default action ran.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
