import type { HostPropsInput, Theme } from './host-props.ts';
import { mount, refresh, unmount, update } from './lifecycles.ts';

/** The element's tag name. */
export const ELEMENT_TAG = 'fr-registration';

/** Events the element dispatches (bubbling, composed) when no handler property is set. */
export const ELEMENT_EVENTS = {
  unauthorized: 'fr-registration-unauthorized',
  error: 'fr-registration-error',
} as const;

type TokenGetter = () => string | Promise<string>;
const PROPERTIES = ['getAccessToken', 'theme', 'onUnauthorized'] as const;

// Built lazily: `class extends HTMLElement` at module scope would break importing the ESM entry
// where there is no DOM (server-side rendering of a host, tooling).
function createElementClass() {
  return class FrRegistrationElement extends HTMLElement {
    static observedAttributes = ['locale', 'api-base-url', 'isolation'];
    #getAccessToken: TokenGetter | undefined;
    #theme: Theme | undefined;
    #onUnauthorized: (() => void) | undefined;
    #mounted = false;

    get getAccessToken() { return this.#getAccessToken; }
    set getAccessToken(v: TokenGetter | undefined) { this.#getAccessToken = v; this.#sync(); }
    get theme() { return this.#theme; }
    set theme(v: Theme | undefined) { this.#theme = v; this.#sync(); }
    get onUnauthorized() { return this.#onUnauthorized; }
    set onUnauthorized(v: (() => void) | undefined) { this.#onUnauthorized = v; this.#sync(); }

    /** Reads the registration state again at once (after the host renewed its token, say). */
    refresh(): Promise<void> {
      return this.#mounted ? refresh({ container: this }) : Promise.resolve();
    }

    connectedCallback() {
      // Properties set before the element was upgraded sit on the instance and shadow the accessors.
      for (const name of PROPERTIES) {
        if (Object.prototype.hasOwnProperty.call(this, name)) {
          const value = (this as Record<string, unknown>)[name];
          delete (this as Record<string, unknown>)[name];
          (this as Record<string, unknown>)[name] = value;
        }
      }
      this.#sync();
    }

    disconnectedCallback() {
      if (!this.#mounted) return;
      this.#mounted = false;
      void unmount({ container: this });
    }

    attributeChangedCallback(name: string, previous: string | null) {
      // Isolation is how the element is built: changing it means building it again.
      if (name === 'isolation' && this.#mounted && previous !== this.getAttribute('isolation')) {
        this.#mounted = false;
        void unmount({ container: this }).then(() => this.#sync());
        return;
      }
      this.#sync();
    }

    #emit(type: string, detail: unknown) {
      this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
    }

    #props(): HostPropsInput {
      return {
        container: this,
        locale: (this.getAttribute('locale') ?? undefined) as HostPropsInput['locale'],
        apiBaseUrl: this.getAttribute('api-base-url') ?? '',
        isolation: (this.getAttribute('isolation') ?? undefined) as HostPropsInput['isolation'],
        getAccessToken: this.#getAccessToken as TokenGetter,
        theme: this.#theme,
        onUnauthorized: this.#onUnauthorized ?? (() => this.#emit(ELEMENT_EVENTS.unauthorized, null)),
      };
    }

    // Mounts once connected and given a token getter; afterwards every change is an update.
    #sync() {
      if (!this.isConnected || !this.#getAccessToken) return;
      const first = !this.#mounted;
      this.#mounted = true;
      (first ? mount(this.#props()) : update(this.#props())).catch((err: unknown) => {
        if (first) this.#mounted = false;
        this.#emit(ELEMENT_EVENTS.error, { message: err instanceof Error ? err.message : String(err) });
      });
    }
  };
}

/** Defines `<fr-registration>` (once; later calls and DOM-less environments are no-ops). */
export function defineRegistrationElement(tag: string = ELEMENT_TAG): void {
  if (typeof customElements === 'undefined' || customElements.get(tag)) return;
  customElements.define(tag, createElementClass());
}
