/**
 * Copies text to the clipboard: the async Clipboard API where allowed (secure contexts), else the
 * legacy `execCommand('copy')` on a hidden textarea placed inside `within` (never outside the module's
 * container). Resolves false when neither works so the caller can show the text for manual copying.
 */
export async function copyText(text: string, within: Element): Promise<boolean> {
  const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
  if (clipboard?.writeText) {
    try {
      await clipboard.writeText(text);
      return true;
    } catch {
      // denied (permissions, insecure context): try the legacy path
    }
  }
  const doc = within.ownerDocument;
  const area = doc.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  within.appendChild(area);
  try {
    area.select();
    return typeof doc.execCommand === 'function' && doc.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}
