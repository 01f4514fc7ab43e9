// Each configured test set runs on its own engine (@testlab/engines, the registry `testlab run` uses too).
// At start every set is checked as far as can be without a kernel (its section and cases were checked when
// it was loaded; here the kselftest root fs, the TAHI tester file, a NUT that can boot the engine's image),
// so a lab that could never run a set refuses to start, naming each problem, instead of failing each night.
// For each run, prepare() gives the set's engine made ready, with the NUT image and memory it boots.
import type { BuildRequest, EnginePaths, KernelBuilder, PreparedEngine, RunReporter, TestSet } from '@testlab/core';
import { checkEngine, engineDriver, prepareEngine } from '@testlab/engines';
import { ConfigError, type LabConfig } from '@testlab/lab-config';

const TESTER_ORIGIN = 'set tahi.testerFile in the lab config to a file';

export interface LabEngines {
  prepare(set: TestSet, build: BuildRequest, reporter: RunReporter): Promise<PreparedEngine>;
}

export async function openLabEngines(config: LabConfig, testsets: ReadonlyMap<string, TestSet>, builder: KernelBuilder): Promise<LabEngines> {
  // An SSH-only lab has no NUT image: engines that would boot it never run there.
  const paths: EnginePaths = { cache: config.cache, nutImage: config.nutImage ?? '', ...(config.nutRootfs ? { rootfsImage: config.nutRootfs } : {}) };
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
    prepare: (set, build, reporter) => {
      // The preparation (kselftest: its selftests, built from the tree under test) is part of building what
      // the run boots: its steps are logged under the build stage.
      let log: ReturnType<RunReporter['stageStarted']> | undefined;
      const progress = (step: string) => ({ step: (text: string) => (log ??= reporter.stageStarted('build')).step(`${step}: ${text}`), fraction() {} });
      return prepareEngine(set, { paths, build, builder, ...tahi, tahiTesterOrigin: TESTER_ORIGIN, progress });
    },
  };
}
