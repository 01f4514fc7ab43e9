// The kernel version a tarball's top Makefile declares (VERSION, PATCHLEVEL, SUBLEVEL, EXTRAVERSION), read
// without unpacking the tree and without running its make: the archive is streamed until its top Makefile
// has passed (a kernel.org or Debian tarball has it after Documentation/, a few seconds in), then dropped.
// For a lab that is asked to test `my-kernel.tar.gz`, whose name says nothing.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { Parser, type ReadEntry } from 'tar';
import { kernelVersionFromMakefileVariables, type KernelVersion } from '@testlab/core';

/** The Makefile is the one thing read: the top one is about 70 KiB. */
const MAX_MAKEFILE_BYTES = 1 << 20;
const DEFAULT_TIMEOUT_MS = 60_000;
const VARIABLES = ['VERSION', 'PATCHLEVEL', 'SUBLEVEL', 'EXTRAVERSION'] as const;
type Variables = Record<(typeof VARIABLES)[number], string>;

/** The variables of a kernel's top Makefile, or undefined when the text is another Makefile. */
export function makefileVariables(text: string): Variables | undefined {
  const value = (name: string) => new RegExp(`^${name}[ \\t]*=[ \\t]*(.*?)[ \\t]*$`, 'm').exec(text)?.[1];
  const [version, patchlevel] = [value('VERSION'), value('PATCHLEVEL')];
  if (version === undefined || patchlevel === undefined) return undefined;
  return { VERSION: version, PATCHLEVEL: patchlevel, SUBLEVEL: value('SUBLEVEL') ?? '', EXTRAVERSION: value('EXTRAVERSION') ?? '' };
}

/** `Makefile` at the top, or under the one folder a tarball puts everything in (`linux-6.12/Makefile`). */
function mayBeTopMakefile(entryPath: string): boolean {
  const parts = entryPath.split('/').filter((p) => p !== '' && p !== '.');
  return parts.at(-1) === 'Makefile' && parts.length <= 2;
}

async function isXz(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(6);
    await handle.read(head, 0, 6, 0);
    return head.equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]));
  } finally {
    await handle.close();
  }
}

/**
 * The version the tarball's top Makefile declares, as the lab writes it (`6.12`, `6.13-rc1`, `6.1.158`).
 * Throws an Error saying why when the file is not a readable tarball, has no top Makefile, or its Makefile
 * declares something that is not a kernel version.
 */
export async function kernelVersionInTarball(file: string, options: { timeoutMs?: number } = {}): Promise<KernelVersion> {
  const name = path.basename(file);
  // node-tar undoes gzip itself; xz goes through xz(1), the file given as its stdin (never a name on its argv).
  const xz = (await isXz(file)) ? execa('xz', ['-dc'], { inputFile: file, buffer: false, reject: false, stderr: 'ignore' }) : undefined;
  const input: Readable = xz ? xz.stdout : createReadStream(file);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    return await new Promise<KernelVersion>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`${name}: no top Makefile found within ${timeoutMs / 1000} s of reading`))), timeoutMs);
      const onEntry = (entry: ReadEntry) => {
        if (settled || entry.type !== 'File' || !mayBeTopMakefile(entry.path) || entry.size > MAX_MAKEFILE_BYTES) {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => {
          const variables = makefileVariables(Buffer.concat(chunks).toString('utf8'));
          if (variables === undefined) return; // Documentation/Makefile of a tarball without a top folder
          finish(() => {
            try {
              resolve(kernelVersionFromMakefileVariables(variables));
            } catch (error) {
              reject(new Error(`${name}: its Makefile declares no kernel version the lab knows: ${(error as Error).message}`));
            }
          });
        });
      };
      const parser = new Parser({ strict: true, onReadEntry: onEntry });
      parser.on('error', (error: Error) => finish(() => reject(new Error(`${name} is not a readable tarball: ${error.message}`))));
      parser.on('end', () => finish(() => reject(new Error(`${name} has no top Makefile: is it a kernel tree?`))));
      input.on('error', (error: Error) => finish(() => reject(new Error(`cannot read ${name}: ${error.message}`))));
      input.pipe(parser);
    });
  } finally {
    // What is left of the archive is not needed: stop reading and decompressing it.
    input.unpipe();
    input.destroy();
    xz?.kill();
    await xz?.catch(() => undefined);
  }
}
