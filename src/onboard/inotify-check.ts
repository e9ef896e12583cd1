import * as path from 'node:path';
import type { FileSystem } from '../system/file-system.ts';
import type { DoctorCheck, WatchDemand } from './doctor-check.ts';

/** Below this many inotify watches a medium repository exhausts them (chokidar reports ENOSPC). */
export const minInotifyWatches = 65_536;

/** The inotify watches `devloop up` needs: one per watched directory (chokidar on Linux), one per file root. */
export async function countInotifyWatches(fs: FileSystem, demand: WatchDemand): Promise<number> {
  let count = 0;
  const walk = async (dir: string): Promise<void> => {
    count++;
    for (const entry of await fs.readDir(dir)) {
      const child = path.join(dir, entry.name);
      if (entry.kind === 'directory' && !demand.ignored(child, 'directory')) await walk(child);
    }
  };
  for (const root of demand.roots) {
    const stat = await fs.stat(root);
    if (stat?.kind === 'directory') await walk(root);
    else if (stat) count++;
  }
  return count;
}

/**
 * The inotify check of `devloop doctor`. Every process of the user shares
 * `max_user_watches` (editors and dev servers watch the same tree), so it
 * fails when devloop alone would take half of it or more, and advises when
 * it would take a quarter (without a config: when the limit is below 65536).
 * Each watching process holds one inotify instance of `max_user_instances`.
 * The fix names a limit with room to spare.
 */
export async function checkInotify(fs: FileSystem, demand: WatchDemand | undefined): Promise<DoctorCheck> {
  const read = async (name: string): Promise<number | undefined> => {
    const file = `/proc/sys/fs/inotify/${name}`;
    if ((await fs.stat(file)) === undefined) return undefined;
    const value = Number((await fs.readText(file).catch(() => '')).trim());
    return Number.isFinite(value) && value > 0 ? value : undefined;
  };
  const watches = await read('max_user_watches');
  if (watches === undefined) return pass('no inotify limits here (not Linux): file watching uses the platform API');
  const instances = await read('max_user_instances');
  const needed = demand ? await countInotifyWatches(fs, demand) : undefined;
  const share = needed === undefined ? '' : `; devloop up watches ${needed} directories (${percent(needed, watches)} of max_user_watches)`;
  const detail = `max_user_watches ${watches}${instances ? `, max_user_instances ${instances}` : ''}${share}`;
  const fixes: string[] = [];
  const wanted = Math.max(524_288, nextPowerOfTwo((needed ?? 0) * 4));
  // Knowing what devloop would watch, its share decides; without a config, a low limit does.
  const overHalf = needed !== undefined && needed * 2 > watches;
  const low = needed === undefined && watches < minInotifyWatches;
  if (overHalf || low) fixes.push(`fs.inotify.max_user_watches=${wanted}`);
  if (instances !== undefined && instances < minInotifyInstances) fixes.push('fs.inotify.max_user_instances=512');
  if (fixes.length > 0) {
    const why = overHalf
      ? `devloop alone needs ${needed >= watches ? 'more than all' : 'over half'} of them; editors and dev servers share the same limit, and watching fails with ENOSPC`
      : low
        ? `below ${minInotifyWatches}, watching a large tree fails with ENOSPC`
        : `below ${minInotifyInstances}, editors and watchers may not get an inotify instance (EMFILE)`;
    return { id: 'inotify', ok: false, detail: `${detail}: ${why}`, fix: sysctlFix(fixes) };
  }
  if (needed !== undefined && needed * 4 > watches) {
    return {
      id: 'inotify',
      ok: true,
      detail,
      fix: `watching over a quarter of the limit; to keep headroom: ${sysctlFix([`fs.inotify.max_user_watches=${wanted}`])}`,
    };
  }
  return pass(detail);
}

/** Fewer instances than this and a few editors and watchers exhaust them. */
const minInotifyInstances = 128;

function pass(detail: string): DoctorCheck {
  return { id: 'inotify', ok: true, detail, fix: undefined };
}

function sysctlFix(settings: readonly string[]): string {
  const commands = settings.map((s) => `sudo sysctl ${s}`).join(' && ');
  return `${commands}, and keep it: printf '${settings.join('\\n')}\\n' | sudo tee /etc/sysctl.d/60-devloop.conf`;
}

function percent(part: number, whole: number): string {
  const value = (part / whole) * 100;
  return `${value < 1 ? value.toFixed(2) : value.toFixed(0)} %`;
}

function nextPowerOfTwo(n: number): number {
  let power = 1;
  while (power < n) power *= 2;
  return power;
}
