// A stand-in for v6eval's autorun on the test tester host: same arguments, same stdout lines, same report
// pages (md5 trailers included), N.html logs and pcap files; each test "exits" with the code listed in
// ./standin-codes (`N:code` lines, default 0). Test 1 performs real remote calls through the System
// folder nut.def names, as Initialization (Reboot.seq) does. Not a TAHI: it sends no packets.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseIndexFiles } from '../../src/index-file.js';
import { indexFrameset, reportHtml, summaryHtml, withChecksum, type PageRow } from './report-pages.js';

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('-'));
const title = args.find((a) => a.startsWith('-title='))?.slice('-title='.length) ?? 'TAHI';
if (existsSync('index.html') && !args.includes('-f')) {
  console.error('autorun: index.html exists (use -f to overwrite)');
  process.exit(1);
}
const nutDef = readFileSync('nut.def', 'utf8');
readFileSync('tn.def', 'utf8');
const system = /^System\s+(\S+)/m.exec(nutDef)?.[1];
const ifname = /^Link0\s+(\S+)/m.exec(nutDef)?.[1];
const v6evalRoot = process.env.STANDIN_V6EVAL ?? path.resolve(path.dirname(process.argv[1]!), '..');
const codes = new Map<number, number>();
if (existsSync('standin-codes')) {
  for (const line of readFileSync('standin-codes', 'utf8').split('\n')) {
    const [n, c] = line.split(':');
    if (n && c) codes.set(Number(n), Number(c));
  }
}
const LABELS: Record<number, [string, string | null]> = {
  0: ['PASS', null], 2: ['Not yet supported', '#00FF00'], 3: ['WARN', '#00FF00'], 4: ['Host Only', '#00FF00'], 5: ['Router Only', '#00FF00'],
  32: ['FAIL', '#FF0000'], 33: ['Initialization Fail', '#FF0000'], 64: ['internal error', '#FF0000'], 72: ['TBD', null],
};
const tests = parseIndexFiles(files.map((name) => ({ name, text: readFileSync(name, 'latin1') })));
const rows: PageRow[] = [];
const counts: Record<string, number> = { TOTAL: tests.length, PASS: 0, FAIL: 0, WARN: 0, SKIP: 0, 'N/A': 0, TBD: 0 };
let stopped = false;
let heading: string | null = null;
for (const t of tests) {
  if (t.heading !== heading && t.heading !== null) rows.push({ heading: (heading = t.heading) });
  let code = stopped ? 72 : (codes.get(t.no) ?? 0);
  if (!stopped) {
    console.log(`========== TEST ${t.no} ==========`);
    console.log(`${t.script} -pkt ${t.packet} -log ${t.no}.html -ti ${t.description}`);
    if (t.no === 1 && system) {
      // What Reboot.seq does first: the NUT's remote control.
      const rmt = (name: string, ...kv: string[]) => {
        try {
          process.stdout.write(execFileSync(path.join(v6evalRoot, 'bin', system, `${name}.rmt`), ['-t', system, '-u', 'root', '-p', 'v6eval', '-d', 'none', ...kv], { encoding: 'utf8' }));
          return 0;
        } catch (e) {
          const err = e as { stdout?: string; status: number | null; message: string };
          process.stdout.write(err.stdout ?? '');
          if (err.status === null) console.log(`remote: ${name}.rmt did not run: ${err.message}`);
          return err.status ?? 255;
        }
      };
      const r1 = rmt('reboot');
      const r2 = rmt('manualaddrconf', `if=${ifname}`, 'addr=3ffe:501:ffff:100::1', 'len=64', 'type=unicast');
      const r3 = rmt('racontrol', 'mode=start', `link0=${ifname}`, 'prefix0=3ffe:501:ffff:100::', 'vltime=30', 'maxinterval=10', 'mininterval=5');
      const r4 = rmt('manualaddrconf', `if=${ifname}`, 'addr=3ffe:501:ffff:100::100', 'len=64', 'type=anycast');
      console.log(`remote: reboot ${r1} manualaddrconf ${r2} racontrol ${r3} anycast ${r4}`);
      if (r1 !== 0 || r2 !== 0) code = 33;
    }
    writeFileSync(`${t.no}.html`, `<HTML><BODY><H1>${t.description}</H1><P>stand-in log of test ${t.no}, exit ${code}</P></BODY></HTML>\n`);
    for (let k = 0; k < t.links; k++) writeFileSync(`${t.no}_html_Link${k}.pcap`, Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex'));
  }
  const [label, colour] = LABELS[code] ?? [`FAIL (${code})`, '#FF0000'];
  if (!stopped) console.log(`  -> ${label}`);
  if (code === 64) stopped = true;
  const cat = code === 0 ? 'PASS' : code === 32 ? 'FAIL' : code === 3 ? 'WARN' : code === 72 ? 'TBD' : 'N/A';
  counts[cat]!++;
  rows.push({ title: t.description, resultHtml: colour ? `<FONT COLOR="${colour}">${label}</FONT>` : label, script: t.script, links: t.links, ...(t.packet === "/dev/null" ? { packet: null } : {}) });
}
if (counts.TBD === 0) delete counts.TBD;
writeFileSync('report.html', withChecksum(reportHtml(title, rows)));
writeFileSync('summary.html', withChecksum(summaryHtml(title, counts, { start: '2026/11/26 09:00:00', end: '2026/11/26 09:30:00' })));
writeFileSync('index.html', withChecksum(indexFrameset(title)));
