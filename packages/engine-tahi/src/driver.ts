// TAHI on the operator's tester host as the registry sees it: the set names the make targets, the tester
// file the host (`--tahi-tester` for `testlab run`, `tahi.testerFile` in labd's config). The NUT is the lab's
// usual small image: TAHI's remote calls need only iproute2/sysctl/radvd on it. The suite and its SSH client
// load when a run prepares, not when a test set is loaded (the dashboard loads test sets, never runs them).
import { EngineSetupError, type EngineCheck, type EngineDriver } from '@testlab/core';
import { parseTahiSection, type TahiSection } from './section.js';
import { loadTahiTester } from './tester-file.js';

/** The described tester, once the file is valid and has links enough for the set. */
async function checkedTester({ testset, tahiTester, tahiTesterOrigin }: EngineCheck<TahiSection>) {
  if (!tahiTester) {
    const how = tahiTesterOrigin ?? 'pass --tahi-tester <file.yaml>';
    throw new EngineSetupError(`test set ${testset.name} runs on TAHI: ${how} describing the tester host (example: infra/tahi/tester.example.yaml)`);
  }
  const tester = await loadTahiTester(tahiTester);
  if (tester.tn.links.length < testset.links) {
    throw new EngineSetupError(`test set ${testset.name} needs ${testset.links} links but ${tahiTester} tn.links names ${tester.tn.links.length}`);
  }
  return tester;
}

export const tahiDriver: EngineDriver<TahiSection> = {
  id: 'tahi',
  ownNutImage: false,
  parseSection: parseTahiSection,
  // TAHI's cases are its INDEX files on the tester; the set names targets, not cases.
  catalogue: () => new Map(),
  check: async (request) => void (await checkedTester(request)),
  prepare: async (request) => {
    const tester = await checkedTester(request);
    const { createTahiEngine } = await import('./tahi-suite.js');
    return createTahiEngine({ ...tester, targets: request.section.targets });
  },
};
