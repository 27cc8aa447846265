import { useEffect, useId, useLayoutEffect, useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
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
}

/**
 * Modal dialog portalled into the module's own layer: `aria-modal`, labelled by its title, focus
 * trapped while open and returned on close, Escape closes.
 */
export function Dialog({ title, onClose, children, footer, closeLabel, returnFocus, initialFocus, role = 'dialog', wide }: DialogProps) {
  const target = usePortalTarget();
  const titleId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  useLayoutEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = dialog.ownerDocument.activeElement as HTMLElement | null;
    const first = initialFocus?.current ?? dialog.querySelector<HTMLElement>(`.frr-dialog-body :is(${FOCUSABLE})`);
    (first ?? dialog).focus();
    return () => {
      const back = opener?.isConnected ? opener : returnFocus?.current;
      back?.focus();
    };
    // Focus moves once per opening, not on every render: deliberately no dependencies.
  }, []);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape') {
      event.stopPropagation(); // the innermost dialog closes, not its parent too
      onCloseRef.current();
      return;
    }
    if (event.key !== 'Tab' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const firstItem = items[0];
    const lastItem = items[items.length - 1];
    if (!firstItem || !lastItem) {
      event.preventDefault();
      return;
    }
    const active = ref.current.ownerDocument.activeElement;
    if (event.shiftKey && (active === firstItem || active === ref.current)) {
      event.preventDefault();
      lastItem.focus();
    } else if (!event.shiftKey && active === lastItem) {
      event.preventDefault();
      firstItem.focus();
    }
  }

  return createPortal(
    <div className="frr-overlay">
      <div
        ref={ref}
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        className={wide ? 'frr-dialog frr-dialog--wide' : 'frr-dialog'}
        onKeyDown={onKeyDown}
      >
        <div className="frr-dialog-header">
          <h2 id={titleId} className="frr-dialog-title">
            {title}
          </h2>
          <button type="button" className="frr-icon-button" aria-label={closeLabel} onClick={() => onCloseRef.current()}>
            ×
          </button>
        </div>
        <div className="frr-dialog-body">{children}</div>
        {footer ? <div className="frr-dialog-footer">{footer}</div> : null}
      </div>
    </div>,
    target,
  );
}
