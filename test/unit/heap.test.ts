import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../machines/heap.js';

interface Item {
  readonly at: number;
  readonly seq: number;
}

/** A small deterministic PRNG (mulberry32) so a failure is reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function drain(heap: MinHeap<Item>): Item[] {
  const out: Item[] = [];
  for (let item = heap.pop(); item !== undefined; item = heap.pop()) out.push(item);
  return out;
}

describe('MinHeap', () => {
  it('pops 1,000 random items in (at, seq) order', () => {
    const next = random(42);
    const items: Item[] = Array.from({ length: 1_000 }, (_, seq) => ({ at: Math.floor(next() * 100), seq }));
    // push in a shuffled order so seq is not the insertion order
    const shuffled = [...items];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const heap = new MinHeap<Item>();
    for (const item of shuffled) heap.push(item);
    expect(heap.size).toBe(1_000);

    const expected = [...items].sort((a, b) => a.at - b.at || a.seq - b.seq);
    expect(drain(heap)).toEqual(expected);
    expect(heap.size).toBe(0);
  });

  it('pops items with equal at in seq order', () => {
    const heap = new MinHeap<Item>();
    for (const seq of [5, 3, 9, 0, 7, 1]) heap.push({ at: 100, seq });
    expect(drain(heap).map((item) => item.seq)).toEqual([0, 1, 3, 5, 7, 9]);
  });

  it('peeks at the smallest item without removing it', () => {
    const heap = new MinHeap<Item>();
    expect(heap.peek()).toBeUndefined();
    heap.push({ at: 30, seq: 0 });
    heap.push({ at: 10, seq: 1 });
    heap.push({ at: 20, seq: 2 });
    expect(heap.peek()).toEqual({ at: 10, seq: 1 });
    expect(heap.peek()).toEqual({ at: 10, seq: 1 });
    expect(heap.size).toBe(3);
  });

  it('counts pushes and pops in size and returns undefined when empty', () => {
    const heap = new MinHeap<Item>();
    expect(heap.size).toBe(0);
    expect(heap.pop()).toBeUndefined();
    heap.push({ at: 1, seq: 0 });
    heap.push({ at: 2, seq: 1 });
    expect(heap.size).toBe(2);
    expect(heap.pop()).toEqual({ at: 1, seq: 0 });
    expect(heap.size).toBe(1);
    expect(heap.pop()).toEqual({ at: 2, seq: 1 });
    expect(heap.size).toBe(0);
    expect(heap.pop()).toBeUndefined();
    expect(heap.size).toBe(0);
  });

  it('empties on clear and keeps working afterwards', () => {
    const heap = new MinHeap<Item>();
    for (let seq = 0; seq < 10; seq++) heap.push({ at: 10 - seq, seq });
    heap.clear();
    expect(heap.size).toBe(0);
    expect(heap.peek()).toBeUndefined();
    expect(heap.values()).toEqual([]);
    heap.push({ at: 7, seq: 99 });
    expect(heap.pop()).toEqual({ at: 7, seq: 99 });
  });
});
