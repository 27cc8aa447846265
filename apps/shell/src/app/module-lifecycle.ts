import type * as LifecyclesModule from '@registration/ui';
import type { HostPropsInput, UpdateProps } from '@registration/ui';

type Lifecycles = typeof LifecyclesModule;

// Loaded on first use, as a real host fetches a micro-frontend only when its route opens.
let loaded: Promise<Lifecycles> | undefined;
function lifecycles(): Promise<Lifecycles> {
  loaded ??= import('@registration/ui').then(async (m) => {
    await m.bootstrap();
    return m;
  });
  loaded.catch(() => (loaded = undefined)); // a failed download may be retried on the next visit
  return loaded;
}

// One queue per container: React (StrictMode, fast route changes) may ask for
// mount → unmount → mount before the first mount finished; the module must see them in order.
const queues = new WeakMap<object, Promise<unknown>>();
function enqueue<T>(container: object, step: (m: Lifecycles) => Promise<T> | T): Promise<T> {
  const previous = queues.get(container) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => lifecycles().then(step));
  queues.set(container, next);
  return next;
}

/** Mounts the registration module into `container` (after any pending step on it). */
export function mountModule(props: HostPropsInput): Promise<void> {
  return enqueue(props.container, async (m) => {
    await m.mount(props);
  });
}

/** Passes changed props (language) to the mounted module. */
export function updateModule(props: UpdateProps & { container: Element }): Promise<void> {
  return enqueue(props.container, async (m) => {
    await m.update(props);
  });
}

/** Unmounts the module from `container`, tearing down its React root and caches. */
export function unmountModule(container: Element): Promise<void> {
  return enqueue(container, async (m) => {
    await m.unmount({ container });
  });
}
