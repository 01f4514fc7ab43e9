// TAHI on the operator's tester host: the set names the make targets, --tahi-tester the host. The NUT is
// the lab's usual small image: TAHI's remote calls need only iproute2/sysctl/radvd on it.
import { createTahiSuite } from '@testlab/tahi';
import { EngineSetupError, type Engine } from './engine.js';
import { loadTahiTester } from './tahi-tester-config.js';

export const tahiEngine: Engine = {
  prepare: async ({ paths, testset, definition, tahiTester }) => {
    if (!tahiTester) {
      throw new EngineSetupError(`test set ${testset.name} runs on TAHI: pass --tahi-tester <file.yaml> describing the tester host (example: infra/tahi/tester.example.yaml)`);
    }
    if (!definition.tahi) throw new EngineSetupError(`test set ${testset.name}: engine tahi needs tahi.targets`);
    const tester = await loadTahiTester(tahiTester);
    if (tester.tn.links.length < testset.links) {
      throw new EngineSetupError(`test set ${testset.name} needs ${testset.links} links but ${tahiTester} tn.links names ${tester.tn.links.length}`);
    }
    return { suite: createTahiSuite({ ...tester, targets: definition.tahi.targets }), nut: { baseInitramfs: paths.nutImage } };
  },
};
