/**
 * jsdom has HTMLDialogElement but neither `showModal()` nor `close()`, nor the browser's Escape → `cancel`.
 * This gives unit tests the platform's behaviour as the HTML standard describes it (a stack of modal
 * dialogs; Escape fires a cancelable `cancel` at the topmost and closes it unless prevented; `close()`
 * fires `close`). Top layer, inertness and focus wrapping by the browser are tested in Chromium (e2e).
 */
const modals: HTMLDialogElement[] = [];

export function installDialogPolyfill(): void {
  const proto = HTMLDialogElement.prototype as HTMLDialogElement & { showModal?: () => void; close?: () => void };
  if (typeof proto.showModal === 'function' && !('__frrPolyfill' in proto)) return;
  Object.defineProperty(proto, '__frrPolyfill', { value: true });
  proto.showModal = function showModal(this: HTMLDialogElement) {
    if (this.open) throw new DOMException('already open', 'InvalidStateError');
    if (!this.isConnected) throw new DOMException('not connected', 'InvalidStateError');
    this.setAttribute('open', '');
    modals.push(this);
  };
  proto.close = function close(this: HTMLDialogElement) {
    if (!this.open) return;
    this.removeAttribute('open');
    const i = modals.indexOf(this);
    if (i >= 0) modals.splice(i, 1);
    setTimeout(() => this.dispatchEvent(new Event('close')), 0);
  };
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    while (modals.length > 0 && !modals[modals.length - 1]!.isConnected) modals.pop();
    const top = modals[modals.length - 1];
    if (!top) return;
    if (top.dispatchEvent(new Event('cancel', { cancelable: true }))) top.close();
  });
}
