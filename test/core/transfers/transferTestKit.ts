import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import type { TransferEngine } from '../../../electron/core/transfers/TransferEngine.ts';
import type { TransferProgress, TransferJob } from '../../../shared/src/transfers.ts';

/** The engine's provider ignores it (the test hands out its direct channel); jobs still carry one. */
export const TARGET: ConnectionTarget = {
  gateway: { host: '127.0.0.1', port: 3022 },
  username: '518839-4856',
};

export async function randomFile(path: string, size: number): Promise<void> {
  const file = await open(path, 'w');
  try {
    for (let offset = 0; offset < size; offset += 1024 * 1024) {
      await file.write(randomBytes(Math.min(1024 * 1024, size - offset)));
    }
  } finally {
    await file.close();
  }
}

export function sha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/** Records one job's events: progress with their times, and the job's states. */
export function record(engine: TransferEngine) {
  const progress = new Map<string, { at: number; event: TransferProgress }[]>();
  const states = new Map<string, { at: number; job: TransferJob }[]>();
  const offProgress = engine.events.on('progress', (event) => {
    const list = progress.get(event.id) ?? [];
    list.push({ at: performance.now(), event });
    progress.set(event.id, list);
  });
  const offJob = engine.events.on('job', (job) => {
    const list = states.get(job.id) ?? [];
    list.push({ at: performance.now(), job });
    states.set(job.id, list);
  });
  return {
    progress: (id: string) => progress.get(id) ?? [],
    states: (id: string) => states.get(id) ?? [],
    stop() {
      offProgress();
      offJob();
    },
  };
}
