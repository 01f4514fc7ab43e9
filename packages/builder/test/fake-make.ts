// A stand-in for the kernel's make, so the builder's caching and stage reporting can be tested in
// milliseconds. It understands just what the builder asks for; `control.json` beside the wrapper script
// tells it to fail, and every call is appended to `calls.log` there.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// `node --test <dir>` runs every .js file of the folder, this one too: without the wrapper's variable it is
// not being used as make, so it does nothing.
const here = process.env.FAKE_MAKE_DIR;
if (here === undefined) process.exit(0);
const control = existsSync(path.join(here, 'control.json')) ? (JSON.parse(readFileSync(path.join(here, 'control.json'), 'utf8')) as { failBuild?: boolean; failIncremental?: boolean; noDepmod?: boolean; buildMs?: number }) : {};
const args = process.argv.slice(2);
appendFileSync(path.join(here, 'calls.log'), `${args.join(' ')}\n`);
const out = args.find((a) => a.startsWith('O='))?.slice(2);
const targets = args.filter((a) => !a.includes('=') && !a.startsWith('-'));
// `bzImage modules` is one build: handled as bzImage, plus the module files.
const target = targets.includes('bzImage') ? 'bzImage' : targets.pop();
if (!out) process.exit(64);

if (target === 'tinyconfig' || target === 'defconfig' || target === 'allnoconfig') {
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, '.config'), 'CONFIG_CC_VERSION_TEXT="fake"\n# CONFIG_64BIT is not set\nCONFIG_PRINTK=y\n');
} else if (target === 'olddefconfig') {
  // Last value wins; options this "tree" does not know disappear, as kconfig drops them.
  const options = new Map<string, string>();
  for (const line of readFileSync(path.join(out, '.config'), 'utf8').split('\n')) {
    const name = /(CONFIG_[A-Za-z0-9_]+)/.exec(line)?.[1];
    if (name && !name.startsWith('CONFIG_DOES_NOT_EXIST')) options.set(name, line);
  }
  writeFileSync(path.join(out, '.config'), [...options.values()].join('\n') + '\n');
} else if (target === 'bzImage') {
  // A build that takes a while, and leaves a mark while it runs: another make in the same folder sees it.
  if (existsSync(path.join(out, 'make-running'))) {
    console.error('fake make: another make is running in this folder');
    process.exit(3);
  }
  writeFileSync(path.join(out, 'make-running'), String(process.pid));
  if (control.buildMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, control.buildMs);
  rmSync(path.join(out, 'make-running'));
  for (let i = 0; i < 10; i++) console.log(`  CC      kernel/f${i}.o`);
  console.log('  AR      kernel/built-in.a');
  // failIncremental: a folder that was built in before fails, as one a killed make left half-written would.
  if (control.failBuild || (control.failIncremental && existsSync(path.join(out, 'vmlinux')))) {
    console.error('kernel/f9.c:1:1: error: boom');
    console.error('make[1]: *** [scripts/Makefile.build:250: kernel/f9.o] Error 1');
    process.exit(2);
  }
  console.log('  LD      vmlinux');
  mkdirSync(path.join(out, 'arch/x86/boot'), { recursive: true });
  writeFileSync(path.join(out, 'vmlinux'), 'elf');
  writeFileSync(path.join(out, 'System.map'), 'ffffffff81000000 T _text\n');
  writeFileSync(path.join(out, 'arch/x86/boot/bzImage'), `bzImage of ${readFileSync(path.join(out, '.config'), 'utf8')}`);
  console.log('Kernel: arch/x86/boot/bzImage is ready  (#1)');
  if (targets.includes('modules')) {
    mkdirSync(path.join(out, 'drivers/net'), { recursive: true });
    writeFileSync(path.join(out, 'drivers/net/dummy.ko'), 'module');
    console.log('  LD [M]  drivers/net/dummy.ko');
  }
} else if (target === 'modules_install') {
  // As kbuild does: the modules, the build/source links back into the tree, and depmod's modules.dep.
  const root = args.find((a) => a.startsWith('INSTALL_MOD_PATH='))!.slice('INSTALL_MOD_PATH='.length);
  const dir = path.join(root, 'lib/modules/6.99.0');
  mkdirSync(path.join(dir, 'kernel/drivers/net'), { recursive: true });
  writeFileSync(path.join(dir, 'kernel/drivers/net/dummy.ko'), readFileSync(path.join(out, 'drivers/net/dummy.ko')));
  symlinkSync(out, path.join(dir, 'build'));
  if (!control.noDepmod) writeFileSync(path.join(dir, 'modules.dep'), 'kernel/drivers/net/dummy.ko:\n');
} else if (target === 'kernelrelease' || target === 'kernelversion') {
  console.log('6.99.0');
} else {
  process.exit(65);
}
