// One run of a set on the builtin engine: our own tester node speaking real frames over the NUT's test links.
// Cases wait on RFC timers far more than they use CPU, so independent cases run side by side on a pool of
// NUTs (the pipeline's plus ones booted through `bootNut`), and cases that need a NUT nobody used (DAD,
// RS at boot) each get a newly booted one that is discarded afterwards. Results go out in test-set order.
import type { BootedNut, CaseResult, EngineRunContext, Link } from '@testlab/core';
import { openLink } from '@testlab/links';
import { CaseQueue } from './case-queue.js';
import { caseCatalogue } from './catalogue.js';
import { bootIntoMode } from './modes/index.js';
import { recordBaseState, restoreBaseState, type BaseState } from './base-state.js';
import { runCases } from './runner/run-cases.js';
import type { CaseDefinition } from './runner/case.js';
import type { BuiltinSection } from './section.js';

/**
 * 8 NUTs of 256 MiB. The sets wait on RFC timers more than they compute, so more NUTs shorten the test stage
 * (phase2-router: 15 min 09 s on 4 NUTs, 11 min 12 s on 6, 8 min 15 s on 8). On the 2-core machine 8 idle TCG
 * NUTs use well under a core (3% each); what starved them was booting beside them: the pool booting while
 * cases ran (now booted first) and fresh-NUT cases booting several at once (now one at a time, FRESH_NUTS_AT_ONCE),
 * and other work on the host (now behind the VMs' raised priority, nut-drivers' qemu/priority.ts).
 * docs/measurements.md has the figures.
 */
export const DEFAULT_NUT_POOL = 8;
/** Cases that boot a NUT of their own, at once: each boot takes a core for several seconds. */
const FRESH_NUTS_AT_ONCE = 1;

interface SetOptions {
  /** NUTs that run shared cases at once, the pipeline's included. */
  pool: number;
  /** Timer-bound cases (`CaseDefinition.timerBound`) that run at once, whatever the pool. */
  timerCasesAtOnce: number;
  section: BuiltinSection;
}

/** A NUT in the suite's hands with its tester links open. */
interface Station {
  nut: BootedNut;
  links: Map<string, Link>;
  /** Booted by the suite, so shut down by it. */
  owned: boolean;
  /** Its test links' routes and addresses when the pool took it: every case starts from these. */
  base: BaseState;
}

async function openStation(context: EngineRunContext, section: BuiltinSection, nut: BootedNut, owned: boolean): Promise<Station> {
  const station: Station = { nut, links: new Map(), owned, base: new Map() };
  try {
    await bootIntoMode(nut, context.mode, section);
    await untilAddressesSettled(nut);
    station.base = await recordBaseState(nut);
    for (const l of nut.links) station.links.set(l.name, await openLink(l.name, l.endpoint));
    return station;
  } catch (error) {
    await closeStation(station);
    throw error;
  }
}

/**
 * A NUT just booted (or just set up for its mode) is still doing DAD on its link-local addresses: until it
 * finishes, Linux drops what a case sends to those addresses, and the case would FAIL for the lab's haste.
 * So a station is handed out only when every test interface has a link-local address and none is tentative.
 */
async function untilAddressesSettled(nut: BootedNut, deadlineMs = 15_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  let last = '';
  for (;;) {
    const pending: string[] = [];
    for (const l of nut.links) {
      // iproute2 by full path: busybox's own `ip` applet comes first on the NUT and prints no DAD flags.
      const r = await nut.exec(['/usr/sbin/ip', '-6', 'addr', 'show', 'dev', l.nutIfname]);
      if (r.code !== 0 || !/inet6 fe80::/.test(r.stdout) || /tentative/.test(r.stdout)) pending.push(l.nutIfname);
      last = r.stdout || r.stderr;
    }
    if (pending.length === 0) return;
    if (Date.now() > until) throw new Error(`addresses of ${pending.join(', ')} still not ready after ${deadlineMs} ms: ${last.trim().slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function closeStation(s: Station): Promise<void> {
  for (const link of s.links.values()) await link.close().catch(() => undefined);
  if (s.owned) await s.nut.shutdown().catch(() => undefined);
}

export async function runBuiltinSet(context: EngineRunContext, { pool: poolSize, timerCasesAtOnce, section }: SetOptions): Promise<CaseResult[]> {
  const definitions = context.cases.map((id) => {
    const def = caseCatalogue.get(id);
    if (!def) throw new Error(`the builtin engine has no case ${id}`);
    return def;
  });
  const results: Array<CaseResult | undefined> = definitions.map(() => undefined);
  let reported = 0;
  let done = 0;
  // Results are handed on in test-set order: each finished case releases the finished prefix.
  let reporting = Promise.resolve();
  const finished = (index: number, result: CaseResult): Promise<void> => {
    results[index] = result;
    done++;
    context.progress.fraction(done / definitions.length, `${done}/${definitions.length} cases`);
    reporting = reporting.then(async () => {
      while (reported < results.length && results[reported] !== undefined) await context.onResult(results[reported++]!);
    });
    return reporting;
  };

  const supports = new Set<string>(section.ipsecSupports ?? []);
  const runOnce = async (station: Station, def: CaseDefinition): Promise<CaseResult> => {
    const [result] = await runCases([def], {
      nut: station.nut,
      mode: context.mode,
      links: station.links,
      artifactsDir: context.artifactsDir,
      supports,
      beforeCase: async (_def, log) => {
        await restoreBaseState(station.nut, station.base, log);
        await resetNeighbors(station.nut);
      },
    });
    return result!;
  };
  // An ERROR is the lab's trouble, not a verdict (an SSH channel lost, a VM too starved to judge by): a shared
  // case that ends as one runs once more, and its log keeps the first attempt. The second attempt gets a newly
  // booted NUT when the run can boot one: the first may have left what no reset clears (a fragment queue still
  // timing out, whose Time Exceeded the second attempt would take for its own). A fresh-NUT case is not run
  // again: its NUT is no longer fresh.
  const runOn = async (station: Station, index: number, def: CaseDefinition): Promise<void> => {
    let result = await runOnce(station, def);
    if (result.verdict === 'ERROR') {
      context.progress.step(`${def.id}: ${result.reason}; running it once more`);
      const first = result;
      const second = context.bootNut
        ? await runOnNewNut(context.bootNut, def).catch(async (error: unknown) => {
            context.progress.step(`${def.id}: no new NUT for the second attempt (${message(error)}); running it on the same one`);
            return runOnce(station, def);
          })
        : await runOnce(station, def);
      result = { ...second, log: `attempt 1 of 2 ended as an ERROR (${first.reason}); its log:\n${first.log}\n--- attempt 2 of 2 ---\n${second.log}` };
    }
    await finished(index, result);
  };
  const runOnNewNut = async (bootNut: () => Promise<BootedNut>, def: CaseDefinition): Promise<CaseResult> => {
    const own = await openStation(context, section, await bootNut(), true);
    try {
      return await runOnce(own, def);
    } finally {
      await closeStation(own);
    }
  };

  // Without bootNut there is one NUT: cases needing a fresh one run last on it, as they may leave it in any state.
  const order = definitions.map((def, index) => ({ def, index }));
  const fresh = order.filter((o) => o.def.needsFreshNut && appliesHere(o.def, context));
  const shared = order.filter((o) => !fresh.includes(o));
  // Longest first (a case's timeout is its own estimate): a 65 s reassembly case started last would
  // leave the other NUTs idle at the end. Fresh-NUT cases, one at a time, go first: taken last they would
  // queue behind each other at the end. Results are still reported in test-set order.
  const longestFirst = (list: typeof order) => [...list].sort((a, b) => (b.def.timeoutMs ?? 0) - (a.def.timeoutMs ?? 0));
  const queue = context.bootNut
    ? new CaseQueue([...longestFirst(fresh), ...longestFirst(shared)], { timerBound: timerCasesAtOnce, freshNut: FRESH_NUTS_AT_ONCE })
    : new CaseQueue([...longestFirst(shared), ...longestFirst(fresh)], timerCasesAtOnce);

  const main = await openStation(context, section, context.nut, false);
  const stations: Station[] = [main];
  try {
    // The pool is booted before any case starts: TCG VMs booting take both cores, and a timer-bound case
    // started beside seven boots saw its NUT's clock run at half speed (an ERROR the lab could not judge).
    const wanted = Math.max(0, Math.min(context.bootNut ? poolSize : 1, order.length) - 1);
    const booted = await Promise.allSettled(Array.from({ length: wanted }, async () => openStation(context, section, await context.bootNut!(), true)));
    for (const b of booted) {
      if (b.status === 'fulfilled') stations.push(b.value);
      // One NUT fewer in the pool: the others take its cases (the pipeline's NUT always works).
      else context.progress.step(`a pool NUT did not come up (${message(b.reason)}); continuing with fewer`);
    }
    await Promise.all(
      [...stations].map(async (station) => {
        for (let next = await queue.take(); next; next = await queue.take()) {
          const { def, index } = next;
          if (def.needsFreshNut && context.bootNut && appliesHere(def, context)) {
            let result: CaseResult;
            try {
              result = await runOnNewNut(context.bootNut, def);
            } catch (error) {
              // The lab could not give this case its NUT: the case's ERROR, not the run's end.
              result = { ...missing(def), reason: `harness error: no fresh NUT: ${message(error)}` };
            } finally {
              queue.finished(next);
            }
            await finished(index, result);
            continue;
          }
          try {
            await runOn(station, index, def);
          } finally {
            queue.finished(next);
          }
        }
      }),
    );
    await reporting;
  } finally {
    for (const s of stations) await closeStation(s);
  }
  return results.map((r, i) => r ?? missing(definitions[i]!));
}

const appliesHere = (def: CaseDefinition, context: EngineRunContext): boolean => def.appliesTo.includes(context.mode);

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function missing(def: CaseDefinition): CaseResult {
  return { caseId: def.id, title: def.title, verdict: 'ERROR', reason: 'harness error: the case never ran', durationMs: 0, log: '', pcaps: [] };
}

/** Cases use fresh simulated nodes, but a stale neighbor entry from the previous case must not help or hurt. */
async function resetNeighbors(nut: BootedNut): Promise<void> {
  for (const l of nut.links) {
    const r = await nut.exec(['ip', '-6', 'neigh', 'flush', 'dev', l.nutIfname]);
    if (r.code !== 0) throw new Error(`could not flush the NUT's neighbor cache on ${l.nutIfname}: ${r.stderr.trim()}`);
  }
}
