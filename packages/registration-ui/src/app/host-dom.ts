import type { Locale } from '@registration/protocol/catalogue';
import type { HostContainer, HostProps, Theme } from '../host-props.ts';
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
 * Where the wrapper goes: the container itself (an Element, or the ShadowRoot qiankun's strict style
 * isolation hands over), or with `isolation: 'shadow'` a shadow root of the container's own, so that no
 * rule of the host page reaches the module (and none of the module's reaches the page either way).
 */
function parentFor(container: HostContainer, isolation: HostProps['isolation']): Element | ShadowRoot {
  if (isolation !== 'shadow' || container.nodeType !== 1) return container;
  const element = container as Element;
  if (element.shadowRoot) return element.shadowRoot; // ours from an earlier mount, or the host's open one
  try {
    return element.attachShadow({ mode: 'open' });
  } catch (cause) {
    throw new Error(
      `Invalid registration host props: container: a <${element.localName}> cannot hold a shadow root (isolation: 'shadow' needs a <div>, <section> or a custom element)`,
      { cause },
    );
  }
}

/**
 * Builds the wrapper inside the container (its own element, so React never clears host content and
 * two instances never share nodes). The stylesheet is a <style> inside the wrapper, so it applies in a
 * shadow root as well as in the page. Theme variables are set on the wrapper, so they reach dialogs
 * too: the dialog layer lives inside it (dialogs open in the top layer, but inherit from here).
 */
export function createHostDom(container: HostContainer, isolation: HostProps['isolation'] = 'none'): HostDom {
  const parent = parentFor(container, isolation);
  const doc = container.ownerDocument ?? document;
  const wrapper = doc.createElement('div');
  wrapper.className = 'frr-root';
  wrapper.dataset.frrRoot = '';
  const style = doc.createElement('style');
  style.textContent = STYLES;
  const mountPoint = doc.createElement('div');
  mountPoint.className = 'frr-mount';
  const layer = doc.createElement('div');
  layer.className = 'frr-layer';
  wrapper.append(style, mountPoint, layer);
  parent.appendChild(wrapper);

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
