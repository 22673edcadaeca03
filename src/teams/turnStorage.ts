// botbuilder Storage over the store's state repository, with MemoryStorage's eTag semantics:
// no eTag or '*' writes unconditionally; any other eTag must match the stored one, or the write is
// refused with the same conflict error MemoryStorage raises.
import type { Storage, StoreItems } from 'botbuilder';
import type { Store } from '../store/index.js';

export class StoreStorage implements Storage {
  constructor(private readonly store: Pick<Store, 'state' | 'transaction'>) {}

  private get state() {
    return this.store.state;
  }

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    const stored = await this.state.getMany(keys);
    for (const key of keys) {
      const item = stored[key];
      if (item) items[key] = { ...structuredClone(item.value), eTag: item.eTag };
    }
    return items;
  }

  /** A turn's state items are written together (one transaction): all of them, or none if one is stale. */
  async write(changes: StoreItems): Promise<void> {
    const written = await this.store.transaction(async (tx) => {
      const eTags: [object, string][] = [];
      for (const [key, item] of Object.entries(changes)) {
        const { eTag, ...value } = (item ?? {}) as Record<string, unknown> & { eTag?: string };
        const result = await tx.state.compareAndSet(key, value, eTag);
        if (!result.ok) throw new Error(`Storage: error writing "${key}" due to eTag conflict.`);
        if (item && typeof item === 'object') eTags.push([item, result.eTag]);
      }
      return eTags;
    });
    // Callers (teams-ai's TurnState) may write the same item again in one turn: keep it current.
    for (const [item, eTag] of written) (item as { eTag?: string }).eTag = eTag;
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) await this.state.delete(key);
  }
}
