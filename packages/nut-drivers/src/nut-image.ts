// Where the NUT base image and its build script live in the repository, and a way to (re)build it:
// the script is idempotent and instant when nothing changed, so callers may run it before every boot.
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

// This file runs from packages/nut-drivers/dist/src/: four levels up is the repository root.
const repoRoot = new URL('../../../../', import.meta.url);

export const defaultNutImageScript = fileURLToPath(new URL('infra/nut-image/build-initramfs.sh', repoRoot));
export const defaultBaseInitramfs = fileURLToPath(new URL('var/nut-image/initramfs.gz', repoRoot));

/** Builds the base initramfs if its inputs changed; returns its path. */
export async function buildNutImage(output: string = defaultBaseInitramfs, script: string = defaultNutImageScript): Promise<string> {
  await execa(script, [output], { stdin: 'ignore' });
  return output;
}
