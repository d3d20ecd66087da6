// Child processes of the bench: each started in its own process group so that stopping it stops
// wrangler, workerd and anything else it spawned, and every group is stopped however we exit.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';

const groups = new Set();

/** Starts `cmd` in a new process group; `onLine` sees every stdout and stderr line. */
export function startGroup(cmd, args, { cwd, env, onLine }) {
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  groups.add(child);
  child.on('exit', () => groups.delete(child));
  // Both pipes are always drained: wrangler logs a line per request, and a full pipe would stall it.
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => onLine?.(line));
  }
  return child;
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Stops one group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopGroup(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) {
    signalGroup(child, 'SIGKILL'); // the leader may be gone while workerd lingers
    return;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  signalGroup(child, 'SIGTERM');
  const timer = new Promise((resolve) => setTimeout(resolve, graceMs));
  await Promise.race([exited, timer]);
  signalGroup(child, 'SIGKILL');
  groups.delete(child);
}

export async function stopAll() {
  await Promise.all([...groups].map((child) => stopGroup(child)));
}

/** Last resort on process exit: synchronous, so it also runs from 'exit'. */
export function killAllNow() {
  for (const child of groups) signalGroup(child, 'SIGKILL');
  groups.clear();
}

/** Pids of every process below `rootPid`, read from /proc. */
export function descendants(rootPid) {
  const parent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 (ppid) comes after the parenthesised comm, which may contain spaces.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(rest[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const found = [];
  const frontier = [rootPid];
  while (frontier.length > 0) {
    const pid = frontier.pop();
    for (const [child, ppid] of parent) {
      if (ppid === pid) {
        found.push(child);
        frontier.push(child);
      }
    }
  }
  return found;
}

/** VmRSS and VmHWM (peak) in KiB of a process, with its command name; null once it is gone. */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const name = /^Name:\s+(\S+)/m.exec(status)?.[1] ?? '?';
    return { pid, name, rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') };
  } catch {
    return null;
  }
}

/**
 * The workerd processes under a wrangler dev process, each with its role: `worker` runs the user
 * Worker (wrangler starts it on a random port with --inspector-addr), `proxy` is wrangler's
 * ProxyWorker bound to the public --port that forwards each request to it.
 */
export function workerdUnder(rootPid) {
  return descendants(rootPid)
    .map(memoryOf)
    .filter((m) => m !== null && m.name === 'workerd')
    .map((m) => {
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${m.pid}/cmdline`, 'utf8');
      } catch {
        // Gone.
      }
      return { ...m, role: cmdline.includes('--inspector-addr') ? 'worker' : 'proxy' };
    });
}

/**
 * CPU seconds (user + system) used so far by a wrangler dev process and each of its descendants,
 * by name; the two workerd processes apart (`workerd worker`, `workerd proxy`, as in workerdUnder).
 * The proxy does the same work for every target's request, so its CPU per request measures the
 * machine's speed at that moment, and the Worker's is read against it.
 */
export function cpuByName(rootPid) {
  const out = {};
  for (const pid of [rootPid, ...descendants(rootPid)]) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after the comm.
      const seconds = (Number(rest[11]) + Number(rest[12])) / 100;
      const name = comm === 'workerd' ? `workerd ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--inspector-addr') ? 'worker' : 'proxy'}` : comm;
      out[name] = (out[name] ?? 0) + seconds;
    } catch {
      // Gone.
    }
  }
  return out;
}
