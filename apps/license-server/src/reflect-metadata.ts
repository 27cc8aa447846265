/**
 * @peculiar/x509 resolves its algorithms through tsyringe, which refuses to load without the Reflect
 * metadata API (normally the `reflect-metadata` package, which is not a dependency here). tsyringe only
 * stores and reads its own injection tokens through it, so this minimal, spec-shaped stand-in is enough.
 * It only fills the gap: a real polyfill loaded earlier wins. Import this module before @peculiar/x509.
 */
type Target = object;
const store = new WeakMap<Target, Map<unknown, unknown>>();

interface ReflectMetadata {
  defineMetadata(key: unknown, value: unknown, target: Target): void;
  getOwnMetadata(key: unknown, target: Target): unknown;
  getMetadata(key: unknown, target: Target): unknown;
}

const reflect = Reflect as unknown as Partial<ReflectMetadata>;
if (typeof reflect.getMetadata !== 'function') {
  reflect.defineMetadata = (key, value, target) => {
    const own = store.get(target) ?? new Map<unknown, unknown>();
    own.set(key, value);
    store.set(target, own);
  };
  reflect.getOwnMetadata = (key, target) => store.get(target)?.get(key);
  reflect.getMetadata = (key, target) => {
    // Bounded by the prototype chain, which always ends in null.
    for (let t: Target | null = target; t !== null; t = Object.getPrototypeOf(t) as Target | null) {
      const own = store.get(t);
      if (own?.has(key)) return own.get(key);
    }
    return undefined;
  };
}
