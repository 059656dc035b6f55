import { createWriteStream, WriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { BulkExportOutput } from './bulk-export-job.entity';

/** Extension of a file still being written: never listed, never served, removed when a job restarts. */
export const PART_SUFFIX = '.part';

/**
 * Writes one resource type's NDJSON (one resource per line, Bulk Data IG 2.0 §File Request) into numbered files of at
 * most `maxBytes` each. A file is written under a temporary name and renamed once closed, so a crash leaves no file
 * that looks complete.
 */
export class NdjsonFileWriter {
  private stream: WriteStream | null = null;
  private bytes = 0;
  private count = 0;
  private part = 0;
  private readonly done: BulkExportOutput[] = [];

  constructor(
    private readonly dir: string,
    private readonly type: string,
    private readonly maxBytes: number,
  ) {}

  /** Appends one resource (its JSON text, without line breaks as JSON.stringify writes it). */
  async write(json: string): Promise<void> {
    const line = json + '\n';
    const size = Buffer.byteLength(line);
    if (this.stream && this.count > 0 && this.bytes + size > this.maxBytes) await this.finishFile();
    if (!this.stream) this.open();
    this.bytes += size;
    this.count++;
    if (!this.stream!.write(line)) await once(this.stream!, 'drain');
  }

  /** Closes the current file; returns every finished file of this type. */
  async close(): Promise<BulkExportOutput[]> {
    if (this.stream) await this.finishFile();
    return this.done;
  }

  /** Closes without publishing: the part file stays behind as `.part`, for the job's folder to be removed. */
  abort(): void {
    this.stream?.destroy();
    this.stream = null;
  }

  private fileName(): string {
    return `${this.type}-${this.part}.ndjson`;
  }

  private open(): void {
    this.part++;
    this.bytes = 0;
    this.count = 0;
    this.stream = createWriteStream(join(this.dir, this.fileName() + PART_SUFFIX), { flags: 'w' });
  }

  private async finishFile(): Promise<void> {
    const stream = this.stream!;
    this.stream = null;
    stream.end();
    await once(stream, 'close');
    const file = this.fileName();
    await rename(join(this.dir, file + PART_SUFFIX), join(this.dir, file));
    this.done.push({ type: this.type, file, count: this.count });
  }
}
