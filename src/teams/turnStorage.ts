// botbuilder Storage over the store's state repository, with MemoryStorage's eTag semantics:
// no eTag or '*' writes unconditionally; any other eTag must match the stored one, or the write is
// refused with the same conflict error MemoryStorage raises.
import type { Storage, StoreItems } from 'botbuilder';
import type { StateRepository } from '../store/index.js';

export class StoreStorage implements Storage {
  constructor(private readonly state: StateRepository) {}

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    for (const key of keys) {
      const item = await this.state.get(key);
      if (item) items[key] = { ...structuredClone(item.value), eTag: item.eTag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...value } = (item ?? {}) as Record<string, unknown> & { eTag?: string };
      const result = await this.state.compareAndSet(key, value, eTag);
      if (!result.ok) throw new Error(`Storage: error writing "${key}" due to eTag conflict.`);
      // Callers (teams-ai's TurnState) may write the same item again in one turn: keep it current.
      if (item && typeof item === 'object') (item as { eTag?: string }).eTag = result.eTag;
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) await this.state.delete(key);
  }
}
