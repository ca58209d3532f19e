import type { FileHandle } from 'node:fs/promises';
import { crc32 } from './crc32.js';

/**
 * On-disk frame: [u32 LE payload length][u32 LE crc32 of payload][payload]. A segment file is
 * nothing but frames back to back, so recovery can find the end of the acknowledged data by
 * walking them.
 */
export const HEADER_BYTES = 8;
export const MAX_PAYLOAD_BYTES = 0xffffffff;

export function encodeFrames(payloads: readonly Buffer[]): Buffer {
  const out = Buffer.allocUnsafe(payloads.reduce((n, p) => n + HEADER_BYTES + p.length, 0));
  let at = 0;
  for (const payload of payloads) {
    out.writeUInt32LE(payload.length, at);
    out.writeUInt32LE(crc32(payload), at + 4);
    payload.copy(out, at + HEADER_BYTES);
    at += HEADER_BYTES + payload.length;
  }
  return out;
}

export interface Frame {
  offset: number;
  length: number;
  crc: number;
  /** Only when the caller asked for it; the caller checks it against `crc`. */
  payload: Buffer | undefined;
}

/**
 * The frames of one segment between `offset` and `end`, read with large positional reads so that
 * neither recovery nor `read()` holds a whole segment in memory. Ends at `end` or before a frame
 * that does not fit (a torn tail): the caller knows which from where the last frame ended.
 * Frames whose payload is not wanted are skipped without reading it when it is not in the chunk.
 */
export async function* frames(
  handle: FileHandle,
  offset: number,
  end: number,
  chunkBytes: number,
  wantPayload: (index: number) => boolean,
): AsyncGenerator<Frame> {
  let chunk: Buffer = Buffer.alloc(0);
  let chunkAt = offset; // file offset of chunk[0]
  let at = offset;
  for (let index = 0; end - at >= HEADER_BYTES; index++) {
    if (at + HEADER_BYTES > chunkAt + chunk.length) {
      chunk = await readAt(handle, at, Math.min(chunkBytes, end - at));
      chunkAt = at;
    }
    const length = chunk.readUInt32LE(at - chunkAt);
    const crc = chunk.readUInt32LE(at - chunkAt + 4);
    const payloadAt = at + HEADER_BYTES;
    if (length > end - payloadAt) return;
    let payload: Buffer | undefined;
    if (wantPayload(index)) {
      if (payloadAt + length > chunkAt + chunk.length) {
        chunk = await readAt(handle, at, Math.min(Math.max(chunkBytes, HEADER_BYTES + length), end - at));
        chunkAt = at;
      }
      // A copy, so a small record handed to the caller does not pin the whole chunk.
      payload = Buffer.from(chunk.subarray(payloadAt - chunkAt, payloadAt - chunkAt + length));
    }
    yield { offset: at, length, crc, payload };
    at = payloadAt + length;
  }
}

export async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  for (let done = 0; done < length; ) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`segment file ends at byte ${position + done}, expected ${position + length}`);
    done += bytesRead;
  }
  return buffer;
}

export async function writeFully(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  for (let done = 0; done < buffer.length; ) {
    const { bytesWritten } = await handle.write(buffer, done, buffer.length - done, position + done);
    if (bytesWritten === 0) throw new Error(`wrote no bytes at ${position + done}`);
    done += bytesWritten;
  }
}
