/** A binary min-heap keyed by (time, seq): uploads leave in time order, ties in insertion order. */
export class UploadHeap<T> {
  private readonly items: { time: number; seq: number; value: T }[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): { time: number; seq: number; value: T } | undefined {
    return this.items[0];
  }

  push(time: number, seq: number, value: T): void {
    const items = this.items;
    items.push({ time, seq, value });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): { time: number; seq: number; value: T } | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && less(items[l]!, items[m]!)) m = l;
        if (r < items.length && less(items[r]!, items[m]!)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top;
  }
}

const less = (a: { time: number; seq: number }, b: { time: number; seq: number }) => a.time < b.time || (a.time === b.time && a.seq < b.seq);
