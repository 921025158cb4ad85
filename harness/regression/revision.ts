/**
 * Checking out another git revision beside the current tree, ready to run its speed suites.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A revision that cannot be checked out. */
export class RevisionError extends Error {
  override readonly name = 'RevisionError';
}

/** A checked-out revision; call `remove` when done. */
export interface CheckedOutRevision {
  dir: string;
  revision: string;
  /** Source of its dependencies. */
  install: 'shared node_modules (same package-lock.json)' | 'npm ci';
  remove(): void;
}

/**
 * Checks out `ref` into a temporary git worktree of the repository at `root` and gives it its
 * dependencies: the current tree's node_modules when both package-lock.json files are identical,
 * otherwise a fresh `npm ci`.
 *
 * @throws RevisionError when `root` is not a git checkout, `ref` is not a revision, or the install fails.
 */
export function checkoutRevision(root: string, ref: string, log: (message: string) => void = () => {}): CheckedOutRevision {
  const git = (args: string[], cwd = root) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  try {
    git(['rev-parse', '--git-dir']);
  } catch {
    throw new RevisionError(`${root} is not a git checkout, so --compare cannot check out another revision`);
  }
  let revision: string;
  try {
    revision = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new RevisionError(`unknown revision '${ref}': git knows no commit by that name; pass a branch, tag or commit (see git log)`);
  }

  const dir = mkdtempSync(join(tmpdir(), 'paperproof-revision-'));
  rmSync(dir, { recursive: true, force: true });
  try {
    git(['worktree', 'add', '--detach', dir, revision]);
  } catch (error) {
    throw new RevisionError(`git worktree add failed for ${ref}: ${(error as { stderr?: string }).stderr ?? (error as Error).message}`);
  }
  const remove = () => {
    try {
      git(['worktree', 'remove', '--force', dir]);
    } catch {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  const lock = (tree: string) => (existsSync(join(tree, 'package-lock.json')) ? readFileSync(join(tree, 'package-lock.json'), 'utf8') : null);
  if (lock(dir) !== null && lock(dir) === lock(root) && existsSync(join(root, 'node_modules'))) {
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    return { dir, revision, install: 'shared node_modules (same package-lock.json)', remove };
  }
  log(`installing the dependencies of ${ref} (${revision.slice(0, 10)}) with npm ci`);
  const install = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
  if (install.status !== 0) {
    remove();
    throw new RevisionError(`npm ci failed in the checkout of ${ref}: ${(install.stderr || install.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  }
  return { dir, revision, install: 'npm ci', remove };
}
