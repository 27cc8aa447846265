import type { Locale } from '@registration/protocol/catalogue';
import type { Theme } from '../host-props.ts';
import { STYLES } from './styles.ts';

/** The module's DOM inside a host container: one wrapper holding its stylesheet, React root and dialog layer. */
export interface HostDom {
  wrapper: HTMLElement;
  mountPoint: HTMLElement;
  layer: HTMLElement;
  setLocale(locale: Locale): void;
  applyTheme(theme: Theme | undefined): void;
  destroy(): void;
}

/**
 * Builds the wrapper inside `container` (its own element, so React never clears host content and
 * two instances never share nodes). Theme variables are set on the wrapper, so they reach dialogs
 * too: the dialog layer lives inside it.
 */
export function createHostDom(container: Element): HostDom {
  const doc = container.ownerDocument;
  const wrapper = doc.createElement('div');
  wrapper.className = 'frr-root';
  wrapper.dataset.frrRoot = '';
  const style = doc.createElement('style');
  style.textContent = STYLES;
  const mountPoint = doc.createElement('div');
  const layer = doc.createElement('div');
  layer.className = 'frr-layer';
  wrapper.append(style, mountPoint, layer);
  container.appendChild(wrapper);

  let themed: string[] = [];
  return {
    wrapper,
    mountPoint,
    layer,
    setLocale(locale) {
      wrapper.lang = locale;
    },
    applyTheme(theme) {
      for (const name of themed) wrapper.style.removeProperty(name);
      themed = Object.keys(theme ?? {});
      for (const [name, value] of Object.entries(theme ?? {})) wrapper.style.setProperty(name, value);
    },
    destroy() {
      wrapper.remove();
    },
  };
}
