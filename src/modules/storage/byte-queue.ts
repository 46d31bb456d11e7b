/** FIFO of byte chunks that hands out exact-length slices without re-copying the whole backlog. */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private head = 0; // bytes of chunks[0] already taken
  private total = 0;

  get length(): number {
    return this.total;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** Removes and returns the first `count` bytes (count <= length). */
  take(count: number): Buffer {
    if (count > this.total) throw new RangeError(`take(${count}) from ${this.total} bytes`);
    const parts: Buffer[] = [];
    let needed = count;
    while (needed > 0) {
      const first = this.chunks[0];
      const available = first.length - this.head;
      const slice = first.subarray(this.head, this.head + Math.min(available, needed));
      parts.push(slice);
      needed -= slice.length;
      if (slice.length === available) {
        this.chunks.shift();
        this.head = 0;
      } else {
        this.head += slice.length;
      }
    }
    this.total -= count;
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, count);
  }
}
