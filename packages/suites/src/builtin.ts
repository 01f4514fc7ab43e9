// The `builtin` suite: our own conformance engine, speaking real frames over the NUT's test links.
import type { BootedNut, CaseResult, Link, Suite, SuiteContext } from '@testlab/core';
import { caseCatalogue, runCases, type CaseDefinition } from '@testlab/conformance';
import { openLink } from '@testlab/links';

export function createBuiltinSuite(): Suite {
  return {
    id: 'builtin',
    catalogue: () => new Map([...caseCatalogue].map(([id, def]) => [id, def.title])),
    run: (context) => runBuiltin(context),
  };
}

async function runBuiltin(context: SuiteContext): Promise<CaseResult[]> {
  const definitions = context.cases.map((id) => {
    const def = caseCatalogue.get(id);
    if (!def) throw new Error(`the builtin engine has no case ${id}`);
    return def;
  });
  const links = new Map<string, Link>();
  try {
    for (const l of context.nut.links) links.set(l.name, await openLink(l.name, l.endpoint));
    let done = 0;
    return await runCases(definitions, {
      nut: context.nut,
      mode: context.mode,
      links,
      artifactsDir: context.artifactsDir,
      beforeCase: (def) => {
        context.progress.fraction(done / definitions.length, `${done}/${definitions.length} cases, now ${def.id}`);
        return resetNeighbors(context.nut);
      },
      onResult: async (result) => {
        done++;
        await context.onResult(result);
      },
    });
  } finally {
    for (const link of links.values()) await link.close();
  }
}

/** Cases use fresh simulated nodes, but a stale neighbor entry from the previous case must not help or hurt. */
async function resetNeighbors(nut: BootedNut): Promise<void> {
  for (const l of nut.links) {
    const r = await nut.exec(['ip', '-6', 'neigh', 'flush', 'dev', l.nutIfname]);
    if (r.code !== 0) throw new Error(`could not flush the NUT's neighbor cache on ${l.nutIfname}: ${r.stderr.trim()}`);
  }
}
