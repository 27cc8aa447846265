import { Map as ImmutableMap } from 'immutable';
import type { LeaseRecord } from './store.ts';

/**
 * The leases of a privateConfig in memory: node id → lease. Persistent: a change makes a new table that
 * shares all but O(log n) of the old one, so a mutation stays pure (a batch can still be thrown away when
 * its write fails) while a renewal costs the same with 100 leases as with 10,000.
 *
 * Each table remembers the node ids it changed relative to the table it was made from, so the store can
 * append only those to privateConfig (`changedSince`). Node ids are plain map keys: "constructor" or
 * "__proto__" are ordinary ids.
 */
export class LeaseTable {
  static readonly EMPTY = new LeaseTable(ImmutableMap<string, LeaseRecord>(), null, []);

  static fromRecord(record: Readonly<Record<string, LeaseRecord>>): LeaseTable {
    return new LeaseTable(ImmutableMap(Object.entries(record)), null, []);
  }

  readonly #map: ImmutableMap<string, LeaseRecord>;
  #parent: LeaseTable | null;
  readonly #changed: readonly string[];

  private constructor(map: ImmutableMap<string, LeaseRecord>, parent: LeaseTable | null, changed: readonly string[]) {
    this.#map = map;
    this.#parent = parent;
    this.#changed = changed;
  }

  get size(): number {
    return this.#map.size;
  }

  get(nodeId: string): LeaseRecord | undefined {
    return this.#map.get(nodeId);
  }

  has(nodeId: string): boolean {
    return this.#map.has(nodeId);
  }

  /** Node ids, in no particular order. */
  ids(): string[] {
    return [...this.#map.keys()];
  }

  entries(): IterableIterator<[string, LeaseRecord]> {
    return this.#map.entries();
  }

  values(): IterableIterator<LeaseRecord> {
    return this.#map.values();
  }

  set(nodeId: string, lease: LeaseRecord): LeaseTable {
    return new LeaseTable(this.#map.set(nodeId, lease), this, [nodeId]);
  }

  /** This table itself when `nodeId` holds nothing. */
  delete(nodeId: string): LeaseTable {
    return this.#map.has(nodeId) ? new LeaseTable(this.#map.delete(nodeId), this, [nodeId]) : this;
  }

  /** The leases `keep` accepts; this table itself when it accepts all. */
  filter(keep: (lease: LeaseRecord, nodeId: string) => boolean): LeaseTable {
    const dropped: string[] = [];
    const map = this.#map.withMutations((draft) => {
      for (const [nodeId, lease] of this.#map) {
        if (!keep(lease, nodeId)) {
          draft.delete(nodeId);
          dropped.push(nodeId);
        }
      }
    });
    return dropped.length === 0 ? this : new LeaseTable(map, this, dropped);
  }

  /** The plain record privateConfig stores. */
  toRecord(): Record<string, LeaseRecord> {
    // fromEntries defines own properties, so "__proto__" stays an ordinary key.
    return Object.fromEntries(this.#map.entries());
  }

  /**
   * The node ids whose lease differs from `base`'s, when this table was made from `base` by changes (null
   * when it was not, e.g. loaded from a file): each is now `get(id)`, or gone when that is undefined.
   */
  changedSince(base: LeaseTable): Set<string> | null {
    const ids = new Set<string>();
    if (base === this) return ids;
    for (const id of this.#changed) ids.add(id);
    for (let table = this.#parent; table !== base; table = table.#parent) {
      if (table === null) return null;
      for (const id of table.#changed) ids.add(id);
    }
    return ids;
  }

  /** Forgets the tables this one was made from (once it is on disk), so that they can be collected. */
  forgetHistory(): void {
    this.#parent = null;
  }
}
