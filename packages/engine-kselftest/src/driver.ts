// The kernel's net selftests as the registry sees them: they must come from the tree under test, which
// exists only once the builder has unpacked it. So the kernel is built here with the pipeline's own request
// (the pipeline's build is then a cache hit), the selftests are built from its tree (cached per kernel), and
// the NUT boots the Debian root file system with them in 1 GiB.
import { StageError, type BuiltKernel, type EngineCheck, type EngineDriver } from '@testlab/core';
import { kselftestCatalogue, parseKselftestSection, type KselftestSection } from './section.js';
import { checkRootfsImage, defaultRootfsImage, prepareSelftestsNutImage } from './selftests-nut.js';
import { createKselftestEngine } from './kselftest-suite.js';

/** The Debian root file system with bash and the tools: 256 MiB (the default) is too small to unpack it. */
export const KSELFTEST_NUT_MEMORY_MIB = 1024;

/** The root fs the set boots, once it is known to be there. */
async function checkedRootfs({ paths }: EngineCheck<KselftestSection>): Promise<string> {
  const rootfsImage = paths.rootfsImage ?? defaultRootfsImage(paths.cache);
  await checkRootfsImage(rootfsImage);
  return rootfsImage;
}

export const kselftestDriver: EngineDriver<KselftestSection> = {
  id: 'kselftest',
  ownNutImage: true,
  parseSection: parseKselftestSection,
  catalogue: kselftestCatalogue,
  check: async (request) => void (await checkedRootfs(request)),
  prepare: async (request) => {
    const { paths, build, builder, progress, section } = request;
    const rootfsImage = await checkedRootfs(request);
    let kernel: BuiltKernel;
    try {
      kernel = await builder.build({ ...build, withTree: true }, {
        stageStarted: (stage) => progress(`kselftest: kernel ${stage}`),
        stageFinished: (stage, how) => progress(`kselftest: kernel ${stage}`).step(how),
      });
    } catch (error) {
      if (!(error instanceof StageError)) throw error;
      // The pipeline's build is the same request: it fails at the same stage (make resumes in the same
      // folder, so a compile error costs seconds) and stores the run with its log, as for any engine.
      // The small image is never booted.
      progress(`kselftest: kernel ${error.stage}`).step(`failed; the run records it: ${error.message.split('\n')[0]}`);
      return createKselftestEngine(section);
    }
    const { image, selftests } = await prepareSelftestsNutImage({
      tree: kernel.sourceTree ?? '',
      cacheDir: paths.cache,
      kernelCacheKey: kernel.cacheKey,
      rootfsImage,
      progress: progress('kselftest: selftests'),
    });
    if (selftests.notBuilt.length > 0) progress('kselftest: selftests').step(`not built (their tests will fail or skip): ${selftests.notBuilt.join(', ')}`);
    return createKselftestEngine(section, { baseInitramfs: image, memoryMiB: KSELFTEST_NUT_MEMORY_MIB });
  },
};
