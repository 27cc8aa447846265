import { expect } from 'vitest';

// The handful of DOM matchers the tests use (the subset of @testing-library/jest-dom this package
// needs; that package is not among the installed dependencies).

interface DomMatchers<R = unknown> {
  toBeInTheDocument(): R;
  toHaveTextContent(expected: string | RegExp): R;
  toHaveFocus(): R;
  toBeDisabled(): R;
  toBeEnabled(): R;
  toBeChecked(): R;
  toHaveAttribute(name: string, value?: string): R;
  toHaveValue(value: string): R;
  toHaveClass(name: string): R;
  toHaveAccessibleDescription(expected: string | RegExp): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends DomMatchers<T> {}
}

const squash = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();
const matches = (actual: string, expected: string | RegExp) =>
  typeof expected === 'string' ? actual.includes(squash(expected)) : expected.test(actual);
const asElement = (v: unknown): Element => {
  if (!(v instanceof Element)) throw new Error(`expected an Element, got ${String(v)}`);
  return v;
};
const result = (pass: boolean, message: string) => ({ pass, message: () => message });

/** The text an element's aria-describedby points to, as assistive technology would read it. */
export function accessibleDescription(el: Element): string {
  const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
  return squash(ids.map((id) => el.ownerDocument.getElementById(id)?.textContent ?? '').join(' '));
}

expect.extend({
  toBeInTheDocument(received: unknown) {
    const el = asElement(received);
    return result(el.ownerDocument.contains(el), 'expected the element to be in the document');
  },
  toHaveTextContent(received: unknown, expected: string | RegExp) {
    const text = squash(asElement(received).textContent);
    return result(matches(text, expected), `expected text ${JSON.stringify(text)} to contain ${String(expected)}`);
  },
  toHaveFocus(received: unknown) {
    const el = asElement(received);
    const active = el.ownerDocument.activeElement;
    return result(active === el, `expected focus on the element, it is on <${active?.tagName.toLowerCase()}> ${squash(active?.textContent)}`);
  },
  toBeDisabled(received: unknown) {
    return result((asElement(received) as HTMLButtonElement).disabled === true, 'expected the element to be disabled');
  },
  toBeEnabled(received: unknown) {
    return result((asElement(received) as HTMLButtonElement).disabled !== true, 'expected the element to be enabled');
  },
  toBeChecked(received: unknown) {
    return result((asElement(received) as HTMLInputElement).checked === true, 'expected the input to be checked');
  },
  toHaveAttribute(received: unknown, name: string, value?: string) {
    const actual = asElement(received).getAttribute(name);
    const pass = value === undefined ? actual !== null : actual === value;
    return result(pass, `expected attribute ${name}${value === undefined ? '' : `=${JSON.stringify(value)}`}, got ${JSON.stringify(actual)}`);
  },
  toHaveValue(received: unknown, value: string) {
    const actual = (asElement(received) as HTMLInputElement).value;
    return result(actual === value, `expected value ${JSON.stringify(value)}, got ${JSON.stringify(actual)}`);
  },
  toHaveClass(received: unknown, name: string) {
    return result(asElement(received).classList.contains(name), `expected class ${name}`);
  },
  toHaveAccessibleDescription(received: unknown, expected: string | RegExp) {
    const text = accessibleDescription(asElement(received));
    return result(matches(text, expected), `expected description ${JSON.stringify(text)} to match ${String(expected)}`);
  },
});
