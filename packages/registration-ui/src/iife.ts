// Entry of the IIFE build (React inside): one global, `window.FrRegistration`, for qiankun and
// script-injecting hosts, plus the custom element. Only the lifecycles are exposed.
import { defineRegistrationElement } from './custom-element.ts';
import { bootstrap, createLifecycles, mount, refresh, unmount, update, type Lifecycles } from './lifecycles.ts';

/** What `window.FrRegistration` holds. */
export interface FrRegistrationGlobal extends Lifecycles {
  /** A lifecycle set of its own (its instances apart from the default set's). */
  createLifecycles: typeof createLifecycles;
  /** Defines `<fr-registration>` (done already unless loaded as a qiankun micro app). */
  defineElement: typeof defineRegistrationElement;
  version: string;
}

declare global {
  interface Window {
    FrRegistration?: FrRegistrationGlobal;
    __POWERED_BY_QIANKUN__?: boolean;
  }
}

declare const __FRR_VERSION__: string;


const BRAND = Symbol.for('fr-registration.lifecycles');

// Loading the script twice must be harmless: a second copy hands back the first copy's lifecycles, so
// `unmount` through the global always reaches every instance mounted through it. The assignment is
// still made, because qiankun finds a micro app's lifecycles as the last global its script set.
const existing = window.FrRegistration as (FrRegistrationGlobal & { [BRAND]?: true }) | undefined;
const lifecycles: FrRegistrationGlobal =
  existing?.[BRAND] === true
    ? existing
    : Object.assign(Object.create(null) as object, {
        bootstrap, mount, update, unmount, refresh, createLifecycles,
        defineElement: defineRegistrationElement,
        version: __FRR_VERSION__,
        [BRAND]: true as const,
      });

// As a qiankun micro app the element stays undefined: a custom element is global to the page (no sandbox
// reaches customElements), and it would keep this sandbox's copy of the module alive for good.
if (!window.__POWERED_BY_QIANKUN__) defineRegistrationElement();
// Last, so that it is the last global this script sets (qiankun's proxy sandbox looks there).
window.FrRegistration = lifecycles;
