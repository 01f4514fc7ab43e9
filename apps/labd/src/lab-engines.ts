// Each configured test set runs on its own engine (@testlab/engines, the registry `testlab run` uses too).
// At start every set is checked as far as can be without a kernel (its section and cases were checked when
// it was loaded; here the kselftest root fs, the TAHI tester file, a NUT that can boot the engine's image),
// so a lab that could never run a set refuses to start, naming each problem, instead of failing each night.
// For each run, preparerFor() gives the pipeline what makes the set's engine ready inside the run.
import type { EnginePaths, KernelBuilder, TestSet } from '@testlab/core';
import { checkEngine, engineDriver, prepareEngine } from '@testlab/engines';
import { ConfigError, type LabConfig } from '@testlab/lab-config';
import type { PrepareEngine } from '@testlab/pipeline';

const TESTER_ORIGIN = 'set tahi.testerFile in the lab config to a file';

export interface LabEngines {
  preparerFor(set: TestSet): PrepareEngine;
}

export async function openLabEngines(config: LabConfig, testsets: ReadonlyMap<string, TestSet>, builder: KernelBuilder): Promise<LabEngines> {
  const paths: EnginePaths = { cache: config.cache, ...(config.nutRootfs ? { rootfsImage: config.nutRootfs } : {}) };
  const tahi = config.tahi ? { tahiTester: config.tahi.testerFile } : {};
  const problems: string[] = [];
  for (const set of testsets.values()) {
    try {
      await checkEngine(set, { paths, ...tahi, tahiTesterOrigin: TESTER_ORIGIN });
      if (engineDriver(set.engine, set.name).ownNutImage) {
        // Any NUT offering the set's mode may lease its runs: an SSH machine cannot boot the engine's image.
        for (const nut of config.nuts.filter((n) => n.driver === 'ssh' && n.modes.includes(set.mode))) {
          problems.push(`test set ${set.name} (engine ${set.engine}) boots its own NUT image, which only QEMU NUTs can: NUT ${nut.name} is an SSH machine offering mode ${set.mode}`);
        }
      }
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (problems.length > 0) throw new ConfigError('the lab config (testsets.run)', problems);

  return {
    preparerFor: (set) => (build, progress) => prepareEngine(set, { paths, build, builder, ...tahi, tahiTesterOrigin: TESTER_ORIGIN, progress }),
  };
}
