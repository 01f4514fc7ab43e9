// The kernel's net selftests: they must come from the tree under test, which exists only once the builder
// has unpacked it. So the kernel is built here with the pipeline's own request (the pipeline's build is
// then a cache hit), the selftests are built from its tree (cached per kernel), and the NUT boots the
// Debian root file system with them in 1 GiB.
import { sourceTreeDir } from '@testlab/builder';
import { StageError, type BuiltKernel } from '@testlab/core';
import { checkRootfsImage, createKselftestSuite, defaultRootfsImage, prepareSelftestsNutImage } from '@testlab/kselftest';
import { checkCases, EngineSetupError, type Engine, type EngineCheck } from './engine.js';

/** The Debian root file system with bash and the tools: 256 MiB (the default) is too small to unpack it. */
export const KSELFTEST_NUT_MEMORY_MIB = 1024;

/** The set's suite and the root fs it boots, once both are known to be there. */
async function checked({ paths, testset, definition }: EngineCheck) {
  if (!definition.kselftest) throw new EngineSetupError(`test set ${testset.name}: engine kselftest needs kselftest.tests`);
  const suite = createKselftestSuite(definition.kselftest);
  checkCases(testset, suite);
  const rootfsImage = paths.rootfsImage ?? defaultRootfsImage(paths.cache);
  await checkRootfsImage(rootfsImage);
  return { suite, rootfsImage };
}

export const kselftestEngine: Engine = {
  ownNutImage: true,
  check: async (request) => void (await checked(request)),
  prepare: async (request) => {
    const { paths, build, builder, progress } = request;
    const { suite, rootfsImage } = await checked(request);
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
      return { suite, nut: { baseInitramfs: paths.nutImage } };
    }
    const { image, selftests } = await prepareSelftestsNutImage({
      tree: sourceTreeDir(paths.cache, kernel.sourceHash),
      cacheDir: paths.cache,
      kernelCacheKey: kernel.cacheKey,
      rootfsImage,
      progress: progress('kselftest: selftests'),
    });
    if (selftests.notBuilt.length > 0) progress('kselftest: selftests').step(`not built (their tests will fail or skip): ${selftests.notBuilt.join(', ')}`);
    return { suite, nut: { baseInitramfs: image, memoryMiB: KSELFTEST_NUT_MEMORY_MIB } };
  },
};
