/**
 * A binary min-heap ordered by `(at, seq)`: equal times come out in insertion order.
 * Used for timers of the virtual clock and for the controller's pending deadlines.
 */
export interface HeapItem {
  readonly at: number;
  readonly seq: number;
}

/** The heap itself; {@link HeapItem} says how items are ordered. */
export class MinHeap<T extends HeapItem> {
  #items: T[] = [];

  /** How many items it holds. */
  get size(): number {
    return this.#items.length;
  }

  /** The smallest item, left in place; undefined when empty. */
  peek(): T | undefined {
    return this.#items[0];
  }

  /** Adds an item. */
  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      swap(items, i, parent);
      i = parent;
    }
  }

  /** Removes and returns the smallest item; undefined when empty. */
  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && before(items[left]!, items[smallest]!)) smallest = left;
        if (right < items.length && before(items[right]!, items[smallest]!)) smallest = right;
        if (smallest === i) break;
        swap(items, i, smallest);
        i = smallest;
      }
    }
    return top;
  }

  /** Every item, in no particular order. */
  values(): readonly T[] {
    return this.#items;
  }

  /** Removes every item. */
  clear(): void {
    this.#items = [];
  }
}

function before(a: HeapItem, b: HeapItem): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

function swap<T>(items: T[], i: number, j: number): void {
  const tmp = items[i]!;
  items[i] = items[j]!;
  items[j] = tmp;
}
