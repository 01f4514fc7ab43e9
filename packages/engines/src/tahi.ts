// TAHI on the operator's tester host: the set names the make targets, the tester file the host
// (`--tahi-tester` for `testlab run`, `tahi.testerFile` in labd's config). The NUT is the lab's usual small
// image: TAHI's remote calls need only iproute2/sysctl/radvd on it.
import { createTahiSuite } from '@testlab/tahi';
import { checkCases, EngineSetupError, type Engine, type EngineCheck } from './engine.js';
import { loadTahiTester } from './tahi-tester-config.js';

/** The set's TAHI suite on the described tester, once the file is valid and has links enough. */
async function checked({ testset, definition, tahiTester, tahiTesterOrigin }: EngineCheck) {
  if (!tahiTester) {
    const how = tahiTesterOrigin ?? 'pass --tahi-tester <file.yaml>';
    throw new EngineSetupError(`test set ${testset.name} runs on TAHI: ${how} describing the tester host (example: infra/tahi/tester.example.yaml)`);
  }
  if (!definition.tahi) throw new EngineSetupError(`test set ${testset.name}: engine tahi needs tahi.targets`);
  const tester = await loadTahiTester(tahiTester);
  if (tester.tn.links.length < testset.links) {
    throw new EngineSetupError(`test set ${testset.name} needs ${testset.links} links but ${tahiTester} tn.links names ${tester.tn.links.length}`);
  }
  const suite = createTahiSuite({ ...tester, targets: definition.tahi.targets });
  checkCases(testset, suite);
  return suite;
}

export const tahiEngine: Engine = {
  ownNutImage: false,
  check: async (request) => void (await checked(request)),
  prepare: async (request) => ({ suite: await checked(request), nut: { baseInitramfs: request.paths.nutImage } }),
};
