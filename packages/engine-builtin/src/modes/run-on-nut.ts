// One setup command on a NUT: logged, and fatal when it fails (a half-set-up NUT must not be judged).
import type { BootedNut } from '@testlab/core';

export async function run(nut: Pick<BootedNut, 'exec' | 'name'>, argv: string[], log: string[]): Promise<string> {
  log.push(`${nut.name}$ ${argv.join(' ')}`);
  const r = await nut.exec(argv, { timeoutMs: 15_000 });
  if (r.code !== 0) throw new Error(`mode setup on ${nut.name}: ${argv[0]} failed (${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}
