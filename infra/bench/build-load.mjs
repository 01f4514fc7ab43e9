// The load the benchmarks put beside the lab: a kernel build, as a developer's machine or a builder host
// would run one, so what they measure is the lab under the load it meets.
import { spawn } from 'node:child_process';

/** A kernel build of `tree` in a loop (`make -j2 defconfig vmlinux`, then clean), out of tree in `out`; its own process group, ended by the returned function. */
export function startBuildLoad(tree, out) {
  const script = 'while :; do make -s -j2 -C "$1" O="$2" defconfig >/dev/null && make -s -j2 -C "$1" O="$2" vmlinux >/dev/null 2>&1; make -s -C "$1" O="$2" clean >/dev/null 2>&1; done';
  const child = spawn('sh', ['-c', script, 'build-load', tree, out], { stdio: 'ignore', detached: true });
  return () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
}
