// The TAHI engine's run: v6eval and Self_Test installed on a tester host, driven over SSH. For each section
// of the chosen targets it writes tn.def and nut.def, runs autorun (or the make target) with live progress
// from autorun's output, fetches the section's report folder into the run's artifacts and turns the report
// into case results. The NUT's remote calls come back to the lab through a port forwarded onto the tester.
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CaseResult, EngineRunContext, NutMode, PreparedEngine } from '@testlab/core';
import { AutorunOutput } from './autorun-output.js';
import { nutDefText, tnDefText, type NutDef, type TnDef } from './def-files.js';
import { parseIndexFiles, plainText, type IndexTest } from './index-file.js';
import { LAB_SYSTEM, systemFolderFiles } from './remote/system-folder.js';
import { serveRemoteCall } from './remote/remote-server.js';
import { parseSectionsIsolated, type ParsedSection } from './isolated-parse.js';
import { sectionsOfTarget, type SectionRun } from './targets.js';
import { TesterHost, TesterHostError, type TesterHostTarget } from './tester-host.js';

export interface TahiSuiteConfig {
  tester: TesterHostTarget;
  /** v6eval's install folder on the tester (`/usr/local/v6eval`): the System folder goes to its bin/. */
  v6evalRoot: string;
  /** Installed suites on the tester: Self_Test 5.0.7 (core) and IPsec_Self_Test_P2 (ipsec). */
  suiteDirs: { core?: string; ipsec?: string };
  /** Make targets to run, in order, e.g. `ipv6ready_p2_host`. */
  targets: readonly string[];
  /**
   * `autorun`: the lab makes the autorun calls the section Makefiles make, one per section (progress per
   * section, reports fetched as each ends). `make`: runs `make <target>` in the suite folder itself.
   */
  launch?: 'autorun' | 'make';
  /** The autorun program on the tester (default: `autorun` from PATH, as v6eval installs it). */
  autorun?: string;
  /** tn.def: the tester's interfaces facing the NUT's links (same order), with the MACs TN plays. */
  tn: Omit<TnDef, 'remoteMethod'> & { remoteMethod?: TnDef['remoteMethod'] };
  nut: Omit<NutDef, 'system' | 'links' | 'type'> & { type?: NutDef['type'] };
  /** Stop a section after this long (Phase-2 addr.p2 takes ~5 h). */
  sectionTimeoutMs?: number;
  /** Pass -F (no "Why" pages) as the section Makefiles do; default true. */
  noComments?: boolean;
}

const TYPE_OF_MODE: Record<NutMode, NutDef['type']> = { host: 'host', router: 'router', 'ipsec-end-node': 'host', 'security-gateway': 'router' };

/** The engine for one run on the described tester (the NUT boots its usual system: TAHI needs nothing more). */
export function createTahiEngine(config: TahiSuiteConfig): PreparedEngine {
  for (const t of config.targets) sectionsOfTarget(t); // unknown targets fail when the lab is wired, not hours later
  return { id: 'tahi', run: (context) => runTahi(config, context) };
}

async function runTahi(config: TahiSuiteConfig, context: EngineRunContext): Promise<CaseResult[]> {
  const { progress } = context;
  const sections = config.targets.flatMap((t) => sectionsOfTarget(t).map((s) => ({ target: t, ...s })));
  const outDir = path.join(context.artifactsDir, 'tahi');
  await mkdir(outDir, { recursive: true });
  const remoteLog = path.join(outDir, 'remote-calls.log');
  progress.step(`connecting to the TAHI tester ${config.tester.host}:${config.tester.port}`);
  const tester = await TesterHost.connect(config.tester);
  try {
    // The remote-control channel: the tester's 127.0.0.1:<port> reaches this process for this run only.
    const token = randomBytes(24).toString('hex');
    const interfaces = context.nut.links.map((l) => l.nutIfname);
    const port = await tester.forwardToLab((channel) =>
      serveRemoteCall(channel, token, { nut: context.nut, interfaces }, (r) => {
        progress.step(`remote call ${r.call} -> exit ${r.code}`);
        void appendFile(remoteLog, `${new Date().toISOString()} ${r.call} ${redactPassword(r.args).join(' ')} -> ${r.code}\n${r.log.map((l) => `  ${l}\n`).join('')}`);
      }),
    );
    const systemDir = path.posix.join(config.v6evalRoot, 'bin', LAB_SYSTEM);
    await tester.mkdirp(systemDir);
    for (const f of systemFolderFiles({ port, token })) await tester.put(path.posix.join(systemDir, f.name), f.content, f.mode);

    const links = context.nut.links;
    if (config.tn.links.length < links.length) throw new TesterHostError(`the NUT has ${links.length} test links but tn.def names ${config.tn.links.length} tester interfaces`);
    const tnDef = tnDefText({ ...config.tn, remoteMethod: config.tn.remoteMethod ?? 'none', links: config.tn.links.slice(0, links.length) });
    const nutDef = nutDefText({ ...config.nut, type: config.nut.type ?? TYPE_OF_MODE[context.mode], system: LAB_SYSTEM, links: links.map((l) => ({ ifname: l.nutIfname, mac: l.nutMac })) });

    // Read every INDEX first: the number of tests gives the progress its denominator.
    const plans: { run: (typeof sections)[number]; dir: string; tests: IndexTest[] }[] = [];
    for (const run of sections) {
      const dir = sectionDir(config, run);
      const files = await Promise.all(run.indexFiles.map(async (name) => ({ name, text: (await tester.read(path.posix.join(dir, name))).toString('latin1') })));
      plans.push({ run, dir, tests: parseIndexFiles(files) });
    }
    const total = plans.reduce((n, p) => n + p.tests.length, 0);
    let done = 0;
    const results: CaseResult[] = [];
    const byTarget = config.launch === 'make' ? groupByTarget(plans) : plans.map((p) => [p]);
    for (const group of byTarget) {
      for (const p of group) {
        await tester.put(path.posix.join(p.dir, 'tn.def'), tnDef);
        await tester.put(path.posix.join(p.dir, 'nut.def'), nutDef);
      }
      let index = 0;
      let previous = 0;
      // How long each test took, from its `TEST N` line to its `-> label` line: the report has no times.
      const durations = group.map(() => new Map<number, number>());
      let startedAt = 0;
      const logFile = path.join(outDir, `${group[0]!.run.target}${group.length === 1 ? `-${group[0]!.run.section}` : ''}.autorun.log`);
      await writeFile(logFile, '');
      const output = new AutorunOutput(
        (no) => {
          // With make, a TEST 1 after other tests is the next section's autorun.
          if (no <= previous && index < group.length - 1) index++;
          previous = no;
          startedAt = Date.now();
          const p = group[index]!;
          const test = p.tests[no - 1];
          progress.step(`${p.run.section} test ${no}/${p.tests.length}: ${test ? plainTitle(test) : '?'}`);
        },
        (outcome) => {
          durations[index]!.set(outcome.no, Date.now() - startedAt);
          done++;
          progress.fraction(total === 0 ? undefined : Math.min(1, done / total), `${group[index]!.run.section} test ${outcome.no}: ${outcome.label}`);
        },
      );
      const onOutput = (text: string) => {
        output.push(text);
        void appendFile(logFile, text);
      };
      const first = group[0]!;
      const argv =
        config.launch === 'make'
          ? ['make', first.run.target]
          : [config.autorun ?? 'autorun', ...(config.noComments === false ? [] : ['-F']), '-tiny', '-f', `-title=${first.run.title}`, ...first.run.indexFiles];
      const cwd = config.launch === 'make' ? suiteDir(config, first.run) : first.dir;
      progress.step(`${first.run.section}: ${argv.join(' ')}`);
      const code = await tester.run(argv, { cwd, onOutput, ...(config.sectionTimeoutMs ? { timeoutMs: config.sectionTimeoutMs * group.length } : {}) });
      output.end();
      for (const [g, p] of group.entries()) {
        const local = path.join(outDir, p.run.section);
        await fetchReport(tester, p.dir, local).catch((error: Error) => {
          throw new TesterHostError(`${argv[0]} exited ${code} in ${p.dir} and left no usable report (${error.message}); see ${logFile}`);
        });
        // Tester-supplied pages are parsed in a worker a time limit can end: labd's loop keeps running.
        const [parsed] = await parseSectionsIsolated([local]);
        for (const c of parsed!.cases) {
          const result = { ...c.result, durationMs: durations[g]!.get(c.row.no) ?? 0 };
          results.push(result);
          await context.onResult(result);
        }
      }
    }
    return results;
  } finally {
    tester.close();
  }
}

/** nut.def's Password reaches every .rmt as `-p <password>`: kept out of the run's logs. */
function redactPassword(args: readonly string[]): string[] {
  return args.map((a, i) => (args[i - 1] === '-p' ? '(password)' : a));
}

function suiteDir(config: TahiSuiteConfig, run: SectionRun): string {
  const dir = config.suiteDirs[run.suite];
  if (!dir) throw new TesterHostError(`no ${run.suite === 'core' ? 'Self_Test' : 'IPsec_Self_Test_P2'} folder configured for the tester (suiteDirs.${run.suite})`);
  return dir;
}

function sectionDir(config: TahiSuiteConfig, run: SectionRun): string {
  return path.posix.join(suiteDir(config, run), run.section);
}

function groupByTarget<T extends { run: { target: string } }>(plans: T[]): T[][] {
  const groups: T[][] = [];
  for (const p of plans) {
    const last = groups.at(-1);
    if (last && last[0]!.run.target === p.run.target) last.push(p);
    else groups.push([p]);
  }
  return groups;
}

function plainTitle(t: IndexTest): string {
  return plainText(t.description).slice(0, 100);
}

/** The report pages first, then only what their rows link (logs, Why pages, captures, text dumps). */
async function fetchReport(tester: TesterHost, remoteDir: string, localDir: string): Promise<void> {
  const pages = await tester.fetchFolder(remoteDir, localDir, (n) => ['index.html', 'report.html', 'summary.html'].includes(n));
  if (pages.length === 0) throw new Error('no index.html, report.html or summary.html');
  const [{ report }] = (await parseSectionsIsolated([localDir], { cases: false })) as [ParsedSection];
  const wanted = new Set<string>();
  for (const r of report.rows) for (const n of [r.log, r.why, ...r.captures, ...r.captureTexts]) if (n) wanted.add(n);
  await tester.fetchFolder(remoteDir, localDir, (n) => wanted.has(n));
}
