import { useCallback, useEffect, useRef, useState } from 'react';

/** Where the side menu stops being a drawer; the same width as the media queries in shell.css. */
export const WIDE_MENU_QUERY = '(min-width: 768px)';

/**
 * The side menu as a drawer on narrow screens: the toggle opens it and focus moves into it; choosing
 * an item, Escape, a click or focus outside it closes it. Escape and choosing an item hand focus back
 * to the toggle, so it is never lost on a hidden link. On wide screens the menu is always shown and
 * this stays closed.
 */
export function useMenuDrawer() {
  const [open, setOpen] = useState(false);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLElement>(null);

  const toggle = useCallback(() => setOpen((o) => !o), []);

  const closeAfterChoice = useCallback(() => {
    if (!open) return; // wide screens: the menu stays, and so does focus
    if (menuRef.current?.contains(document.activeElement)) toggleRef.current?.focus();
    setOpen(false);
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const menu = menuRef.current;
    // The current page's item, else the first one: where a keyboard user most likely goes next.
    (menu?.querySelector<HTMLElement>('a[aria-current="page"]') ?? menu?.querySelector<HTMLElement>('a[href]'))?.focus();

    const inside = (target: EventTarget | null) =>
      target instanceof Node && (menu?.contains(target) || toggleRef.current?.contains(target));
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      setOpen(false);
      toggleRef.current?.focus();
    };
    // A click, not a pointerdown: closing on pointerdown removes the backdrop under the pointer, and
    // the click that follows would land on the page beneath. The toggle closes by its own handler.
    const onClick = (e: MouseEvent) => {
      if (!inside(e.target)) setOpen(false);
    };
    const onFocusIn = (e: FocusEvent) => {
      if (!inside(e.target)) setOpen(false);
    };
    const wide = window.matchMedia(WIDE_MENU_QUERY);
    const onWide = () => {
      if (wide.matches) setOpen(false);
    };
    document.addEventListener('keydown', onKeyDown);
    document.addEventListener('click', onClick);
    document.addEventListener('focusin', onFocusIn);
    wide.addEventListener('change', onWide);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('click', onClick);
      document.removeEventListener('focusin', onFocusIn);
      wide.removeEventListener('change', onWide);
    };
  }, [open]);

  return { open, toggle, closeAfterChoice, toggleRef, menuRef };
}
