// Turns that share a state key run one after another; unrelated turns run side by side. teams-ai
// keeps state per conversation and per user, so two quick messages in one chat, or one user's turns
// in two chats, would otherwise race and end in an eTag conflict (or, without eTags, a lost update).
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<void>>();

  /** Run `work` once every earlier holder of any of `keys` is done. */
  async run<T>(keys: string[], work: () => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)].sort();
    const previous = unique.map((k) => this.tails.get(k) ?? Promise.resolve());
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    for (const k of unique) this.tails.set(k, mine);
    try {
      await Promise.all(previous);
      return await work();
    } finally {
      release();
      for (const k of unique) if (this.tails.get(k) === mine) this.tails.delete(k);
    }
  }

  /** Keys currently held or waited for (for tests: nothing leaks). */
  get size(): number {
    return this.tails.size;
  }
}
