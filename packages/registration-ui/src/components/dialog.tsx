import { useId, useLayoutEffect, useRef, type KeyboardEvent, type ReactNode, type RefObject, type SyntheticEvent } from 'react';
import { createPortal } from 'react-dom';
import { usePortalTarget } from './portal-target.ts';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export interface DialogProps {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  /** Label of the close (×) button. */
  closeLabel: string;
  /** Where focus goes when the dialog closes, if the element that opened it is gone by then. */
  returnFocus?: RefObject<HTMLElement | null>;
  /** Element to focus on open; the first focusable element of the body otherwise. */
  initialFocus?: RefObject<HTMLElement | null>;
  role?: 'dialog' | 'alertdialog';
  wide?: boolean;
  /**
   * Which view of the module this dialog is (`data-view`): the end-to-end suite checks that every view
   * declared in the source was scanned for accessibility at least once.
   */
  view: string;
}

/** The focused element, looking into shadow roots (document.activeElement stops at their host). */
function deepActiveElement(root: Document | ShadowRoot): Element | null {
  let active = root.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** The focused element within the tree `node` lives in (a shadow root or the document). */
function activeIn(node: Node): Element | null {
  const root = node.getRootNode() as Document | ShadowRoot;
  return 'activeElement' in root ? root.activeElement : null;
}

/**
 * The platform's modal `<dialog>`, opened with `showModal()`: it sits in the browser's top layer, so no
 * host stacking context, `transform` or `overflow` can cover or clip it, and the page behind is inert.
 * Portalled into the module's own layer (so it inherits the module's theme, in a shadow root too),
 * labelled by its title; Tab and Shift+Tab wrap inside it, Escape closes the innermost one, focus goes
 * back where it came from.
 */
export function Dialog({ title, onClose, children, footer, closeLabel, returnFocus, initialFocus, role = 'dialog', wide, view }: DialogProps) {
  const target = usePortalTarget();
  const titleId = useId();
  const bodyId = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const onCloseRef = useRef(onClose);
  useLayoutEffect(() => {
    onCloseRef.current = onClose;
  });

  // Before paint: opened in the top layer at once, never drawn in the page flow first.
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = deepActiveElement(dialog.ownerDocument) as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    const first = initialFocus?.current ?? dialog.querySelector<HTMLElement>(`.frr-dialog-body :is(${FOCUSABLE})`);
    (first ?? dialog).focus();
    return () => {
      if (dialog.open) dialog.close();
      const back = opener?.isConnected ? opener : returnFocus?.current;
      back?.focus();
    };
    // Focus moves once per opening, not on every render: deliberately no dependencies.
  }, []);

  // Escape reaches the innermost open dialog as `cancel`; the host's state decides, so the browser's own
  // closing is prevented. Should the browser close it anyway (it may, for a second Escape without a
  // user gesture in between), `close` tells the owner too.
  const closing = useRef(false);
  function requestClose() {
    if (closing.current) return;
    closing.current = true;
    onCloseRef.current();
    queueMicrotask(() => (closing.current = false)); // the owner may keep it open
  }
  function onCancel(event: SyntheticEvent<HTMLDialogElement>) {
    event.preventDefault();
    requestClose();
  }

  function onKeyDown(event: KeyboardEvent<HTMLDialogElement>) {
    if (event.key !== 'Tab' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.checkVisibility?.() ?? true);
    const firstItem = items[0];
    const lastItem = items[items.length - 1];
    if (!firstItem || !lastItem) {
      event.preventDefault();
      return;
    }
    const active = activeIn(ref.current);
    if (event.shiftKey && (active === firstItem || active === ref.current)) {
      event.preventDefault();
      lastItem.focus();
    } else if (!event.shiftKey && active === lastItem) {
      event.preventDefault();
      firstItem.focus();
    }
  }

  return createPortal(
    <dialog
      ref={ref}
      data-view={view}
      role={role === 'alertdialog' ? 'alertdialog' : undefined}
      aria-labelledby={titleId}
      // An alert dialog asks one question: its body is what a screen reader reads with the title.
      aria-describedby={role === 'alertdialog' ? bodyId : undefined}
      tabIndex={-1}
      className={wide ? 'frr-dialog frr-dialog--wide' : 'frr-dialog'}
      onKeyDown={onKeyDown}
      onCancel={onCancel}
      onClose={() => {
        if (ref.current?.isConnected) requestClose();
      }}
    >
      <div className="frr-dialog-header">
        <h2 id={titleId} className="frr-dialog-title">
          {title}
        </h2>
        <button type="button" className="frr-icon-button" aria-label={closeLabel} onClick={() => onCloseRef.current()}>
          ×
        </button>
      </div>
      {/* The body scrolls when long (View Error Details): focusable and named by the title, so PageDown,
          arrows and Space scroll it without first tabbing onto a control inside. */}
      <div id={bodyId} className="frr-dialog-body" role="region" aria-labelledby={titleId} tabIndex={0}>
        {children}
      </div>
      {footer ? <div className="frr-dialog-footer">{footer}</div> : null}
    </dialog>,
    target,
  );
}
