import { createInstance, type Instance } from './app/instance.tsx';
import { isHostContainer, localeSchema, parseHostProps, themeSchema, type HostContainer, type HostPropsInput } from './host-props.ts';

/** Props of `update`: any subset; `container` may be left out when this set has one instance mounted. */
export type UpdateProps = Partial<HostPropsInput>;
/** Props of `unmount` / `refresh`: the container, or nothing when this set has one instance mounted. */
export interface TargetProps {
  container?: HostContainer;
}

/** The lifecycle functions a host calls (qiankun, single-spa, or by hand). */
export interface Lifecycles {
  bootstrap(): Promise<void>;
  mount(props: HostPropsInput): Promise<void>;
  update(props: UpdateProps): Promise<void>;
  unmount(props?: TargetProps): Promise<void>;
  refresh(props?: TargetProps): Promise<void>;
}

/**
 * A lifecycle set with its own instances, keyed by container so that several coexist. qiankun calls
 * `update` and `unmount` without the container it mounted into (or with another wrapper): a call without
 * one applies to this set's only instance. Every loadMicroApp runs the script again in its own sandbox,
 * so there a set holds exactly one.
 */
export function createLifecycles(): Lifecycles {
  const instances = new Map<HostContainer, { instance: Instance; input: HostPropsInput }>();

  function target(props: TargetProps | undefined, action: string): HostContainer | undefined {
    const container = props?.container;
    if (container !== undefined && container !== null) {
      if (!isHostContainer(container)) throw new Error('Invalid registration host props: container: must be a DOM Element or a ShadowRoot');
      return container;
    }
    if (instances.size > 1) {
      throw new Error(`registration module: ${action}() without a container, but ${instances.size} instances are mounted; pass the container`);
    }
    return instances.keys().next().value;
  }

  const set: Lifecycles = {
    async bootstrap() {},

    async mount(props) {
      const parsed = parseHostProps(props);
      const existing = instances.get(parsed.container);
      if (existing) {
        existing.input = props;
        existing.instance.update(parsed);
        return;
      }
      instances.set(parsed.container, { instance: createInstance(parsed), input: props });
      // qiankun's global state (initGlobalState in the host) carries locale and theme live; qiankun drops
      // the listener itself when it unmounts the app.
      parsed.onGlobalStateChange?.((state) => {
        const patch = fromGlobalState(state);
        if (!patch || !instances.has(parsed.container)) return;
        set.update({ ...patch, container: parsed.container }).catch((err: unknown) => console.warn('[registration module]', err));
      }, true);
    },

    async update(props) {
      const container = target(props, 'update');
      const entry = container && instances.get(container);
      if (!container || !entry) throw new Error('registration module: update() on a container that is not mounted');
      const merged = { ...entry.input, ...props, container };
      const parsed = parseHostProps(merged); // a bad prop leaves the instance as it was
      entry.input = merged;
      entry.instance.update(parsed);
    },

    async unmount(props) {
      const container = target(props, 'unmount');
      const entry = container && instances.get(container);
      if (!container || !entry) return; // unmounting twice, or never mounted: nothing to do
      instances.delete(container);
      // Hosts call this from their own React effects; unmounting a root synchronously while another
      // root is committing makes React warn, so let the host's commit finish first.
      await Promise.resolve();
      entry.instance.unmount();
    },

    async refresh(props) {
      const container = target(props, 'refresh');
      const entry = container && instances.get(container);
      if (!container || !entry) throw new Error('registration module: refresh() on a container that is not mounted');
      await entry.instance.refresh();
    },
  };
  return set;
}

/** The `locale` and `theme` of a host's global state, when valid; anything else in it is not ours. */
function fromGlobalState(state: unknown): UpdateProps | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const { locale, theme } = state as { locale?: unknown; theme?: unknown };
  const patch: UpdateProps = {};
  if (locale !== undefined) {
    const parsed = localeSchema.safeParse(locale);
    if (parsed.success) patch.locale = parsed.data;
    else console.warn(`[registration module] global state locale ${JSON.stringify(locale)} is not one of ${localeSchema.options.join(', ')}; ignored`);
  }
  if (theme !== undefined) {
    const parsed = themeSchema.safeParse(theme);
    if (parsed.success) patch.theme = parsed.data;
    else console.warn('[registration module] global state theme is not a map of --frr-* variables; ignored');
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}

const lifecycles = createLifecycles();

/** Called once by the host before the first mount; nothing to prepare (all state is per mount). */
export const bootstrap = lifecycles.bootstrap;
/** Mounts the module into `props.container`; mounting an already mounted container updates it. */
export const mount = lifecycles.mount;
/** Applies changed props (locale, theme, token getter, API base) to a mounted instance. */
export const update = lifecycles.update;
/** Unmounts an instance; unmounting twice (or never mounted) is a no-op. */
export const unmount = lifecycles.unmount;
/** Reads the registration state again at once, with a token freshly asked of `getAccessToken`. */
export const refresh = lifecycles.refresh;
