// A file the run produced, recorded in the store as one of its artifacts if it exists (a NUT that never
// came up leaves no console log: nothing to record, not an error).
import { stat } from 'node:fs/promises';
import type { LabStore } from '@testlab/core';

export async function addArtifact(store: LabStore, runId: number, kind: string, file: string): Promise<void> {
  const size = await stat(file).then((s) => s.size, () => undefined);
  if (size !== undefined) await store.addArtifact({ runId, kind, path: file, sizeBytes: size });
}
