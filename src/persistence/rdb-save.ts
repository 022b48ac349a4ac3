import type { Keyspace } from '../keyspace/keyspace.js';
import { RdbFileSink } from './rdb-file-sink.js';
import { createRdbSnapshotEncoder, type RdbImageSettings } from './rdb-snapshot-encoder.js';
import { startSnapshot, type Snapshot } from './snapshot/snapshot.js';

export interface RdbSaveSettings extends RdbImageSettings {
  /** The file to replace (dir + dbfilename). */
  readonly targetPath: string;
  /** Where the bytes go first (Redis: temp-<pid>.rdb in the same directory). */
  readonly tempPath: string;
  /** Walk time per event-loop turn for a background save. */
  readonly sliceMs?: number;
  /** rdb-key-save-delay's pause per key, when set. */
  readonly keyDelay?: () => void;
}

export interface RdbSaveResult {
  keysSaved: number;
  bytesWritten: number;
}

/** SAVE: the whole image written and committed before returning; throws on any failure. */
export function saveRdbSync(keyspace: Keyspace, settings: RdbSaveSettings): RdbSaveResult {
  const sink = new RdbFileSink(settings.targetPath, settings.tempPath);
  try {
    const encoder = createRdbSnapshotEncoder(keyspace, settings);
    encoder.begin();
    const snapshot = startSnapshot(keyspace, { encoder, sink: (chunk) => sink.write(chunk), keyDelay: settings.keyDelay });
    const { keysSaved } = snapshot.runToCompletion();
    encoder.end();
    for (const chunk of encoder.takeChunks()) sink.write(chunk);
    sink.commitSync();
    return { keysSaved, bytesWritten: sink.bytesWritten };
  } catch (error) {
    sink.discard();
    throw error;
  }
}

/** A BGSAVE in progress: the snapshot walking, and the file it fills. */
export interface RdbBackgroundSave {
  readonly snapshot: Snapshot;
  /** Resolves once the file is committed; rejects (temp file removed) on failure or abort. */
  readonly done: Promise<RdbSaveResult>;
  abort(): void;
}

/** BGSAVE: starts the time-sliced snapshot into a temp file; commits it when the walk ends. */
export function startRdbBackgroundSave(keyspace: Keyspace, settings: RdbSaveSettings): RdbBackgroundSave {
  const sink = new RdbFileSink(settings.targetPath, settings.tempPath);
  let snapshot: Snapshot;
  try {
    const encoder = createRdbSnapshotEncoder(keyspace, settings);
    encoder.begin();
    for (const chunk of encoder.takeChunks()) sink.write(chunk);
    snapshot = startSnapshot(keyspace, { encoder, sink: (chunk) => sink.write(chunk), sliceMs: settings.sliceMs, keyDelay: settings.keyDelay });
    let aborted = false;
    const done = snapshot.done.then(async (result) => {
      if (aborted) throw new Error('background save aborted');
      encoder.end();
      for (const chunk of encoder.takeChunks()) sink.write(chunk);
      await sink.commitAsync();
      return { keysSaved: result.keysSaved, bytesWritten: sink.bytesWritten };
    });
    const guarded = done.catch((error: unknown) => {
      sink.discard();
      throw error;
    });
    guarded.catch(() => undefined);
    return {
      snapshot,
      done: guarded,
      abort: () => {
        aborted = true;
        snapshot.abort(new Error('background save aborted'));
      },
    };
  } catch (error) {
    sink.discard();
    throw error;
  }
}
