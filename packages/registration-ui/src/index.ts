// The package's public ESM build entry (the one barrel by design: it is what hosts import).
export { bootstrap, mount, unmount, update } from './lifecycles.ts';
export { defineRegistrationElement, ELEMENT_EVENTS, ELEMENT_TAG } from './custom-element.ts';
export { hostPropsSchema, parseHostProps, themeSchema } from './host-props.ts';
export type { HostProps, HostPropsInput, Theme } from './host-props.ts';
