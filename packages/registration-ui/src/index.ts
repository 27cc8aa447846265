// The package's public ESM build entry (the one barrel by design: it is what hosts import).
export { bootstrap, createLifecycles, mount, refresh, unmount, update } from './lifecycles.ts';
export type { Lifecycles, TargetProps, UpdateProps } from './lifecycles.ts';
export { defineRegistrationElement, ELEMENT_EVENTS, ELEMENT_TAG } from './custom-element.ts';
export { hostPropsSchema, parseHostProps, themeSchema } from './host-props.ts';
export type { HostContainer, HostProps, HostPropsInput, Theme } from './host-props.ts';
