import { createInstance, type Instance } from './app/instance.tsx';
import { parseHostProps, type HostPropsInput } from './host-props.ts';

// Keyed by container so that several instances coexist and a host that forgets `unmount` leaks nothing.
const instances = new WeakMap<Element, Instance>();
// The last raw props per container, so `update` may pass only what changed.
const lastInput = new WeakMap<Element, HostPropsInput>();

function containerOf(props: unknown): Element {
  const container = (props as { container?: unknown } | null)?.container;
  if (typeof container !== 'object' || container === null || (container as { nodeType?: unknown }).nodeType !== 1) {
    throw new Error('Invalid registration host props: container: must be a DOM Element');
  }
  return container as Element;
}

/** Called once by the host before the first mount; nothing to prepare (all state is per mount). */
export async function bootstrap(): Promise<void> {}

/** Mounts the module into `props.container`; mounting an already mounted container updates it. */
export async function mount(props: HostPropsInput): Promise<void> {
  const parsed = parseHostProps(props);
  const existing = instances.get(parsed.container);
  lastInput.set(parsed.container, props);
  if (existing) existing.update(parsed);
  else instances.set(parsed.container, createInstance(parsed));
}

/** Applies changed props (locale live, theme, token getter, API base) to the instance in `props.container`. */
export async function update(props: Partial<HostPropsInput> & { container: Element }): Promise<void> {
  const container = containerOf(props);
  const instance = instances.get(container);
  const previous = lastInput.get(container);
  if (!instance || !previous) throw new Error('registration module: update() on a container that is not mounted');
  const merged = { ...previous, ...props };
  const parsed = parseHostProps(merged);
  lastInput.set(container, merged);
  instance.update(parsed);
}

/** Unmounts the instance in `props.container`; unmounting twice (or never mounted) is a no-op. */
export async function unmount(props: { container: Element }): Promise<void> {
  const container = containerOf(props);
  const instance = instances.get(container);
  if (!instance) return;
  instances.delete(container);
  lastInput.delete(container);
  // Hosts call this from their own React effects; unmounting a root synchronously while another
  // root is committing makes React warn, so let the host's commit finish first.
  await Promise.resolve();
  instance.unmount();
}
