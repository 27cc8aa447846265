// Entry of the IIFE build (React inside): a global for qiankun and script-injecting hosts, plus
// the custom element. Only the lifecycles are exposed; everything else stays private.
import { defineRegistrationElement } from './custom-element.ts';
import { bootstrap, mount, unmount, update } from './lifecycles.ts';

declare global {
  interface Window {
    FrRegistration?: { bootstrap: typeof bootstrap; mount: typeof mount; update: typeof update; unmount: typeof unmount };
  }
}

window.FrRegistration = { bootstrap, mount, update, unmount };
defineRegistrationElement();
