/**
 * Ownership of source folders by methods, for coverage and mutation testing.
 *
 * A method owns `impl/<id>/` by default, so a method added to `SPECS` is measured without any
 * change here. The exceptions are folders that several methods share or that one method owns
 * besides its own: the GCN methods share the graph layer and the GCN model, and the
 * linearizability work owns the actor runtime and the sequential models.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { MethodSpec } from '../spec';

/** Folders a method owns besides `impl/<id>/`, relative to the project root. */
const EXTRA_FOLDERS: Readonly<Record<string, readonly string[]>> = {
  lgcn: ['impl/graph', 'impl/gcn'],
  clustergcn: ['impl/graph', 'impl/gcn'],
  linearizability: ['impl/actors', 'models'],
};

/**
 * Shared folders are mutated in one method's run only, named here, so their mutants are not
 * tested twice. That run's tests are the properties of every method that owns the folder, so a
 * mutant of shared code counts as killed when any method that relies on the code notices it.
 */
const MUTATION_RUN_OF_SHARED: Readonly<Record<string, string>> = {
  'impl/graph': 'lgcn',
  'impl/gcn': 'lgcn',
};

/** Folders measured for coverage that belong to no method. */
export const INFRASTRUCTURE_FOLDERS: readonly string[] = ['harness'];

/** The source folders and files of one method. */
export interface MethodSources {
  id: string;
  /** Folders relative to the project root, in a stable order; only folders that exist. */
  folders: string[];
  /** TypeScript source files under `folders`, relative to the root, with `/` separators. */
  files: string[];
  /** Property test folder, or null when the method has none yet. */
  properties: string | null;
}

/** Scope of one method's mutation run: the folders it mutates and the properties it runs. */
export interface MutationScope extends MethodSources {
  /** Property folders whose tests the run may use: the method's own first. */
  testFolders: string[];
}

/** Returns the folders `id` owns, whether or not they exist. */
export function ownedFolders(id: string): string[] {
  return [`impl/${id}`, ...(EXTRA_FOLDERS[id] ?? [])];
}

/**
 * Lists the sources of each method in `specs` that exist under `root`.
 *
 * @example
 * methodSources(root, SPECS).find((m) => m.id === 'lgcn')?.folders; // ['impl/lgcn', 'impl/graph', 'impl/gcn']
 */
export function methodSources(root: string, specs: readonly MethodSpec[]): MethodSources[] {
  return specs.map((spec) => {
    const folders = ownedFolders(spec.id).filter((folder) => isFolder(join(root, folder)));
    const properties = `properties/${spec.id}`;
    return {
      id: spec.id,
      folders,
      files: folders.flatMap((folder) => sourceFiles(root, folder)),
      properties: isFolder(join(root, properties)) ? properties : null,
    };
  });
}

/**
 * Returns each method's mutation scope: its folders less the shared ones another method's run
 * mutates (see MUTATION_RUN_OF_SHARED), and as tests its own properties plus those of the other
 * methods that own a folder it mutates.
 *
 * @example
 * // lgcn mutates impl/lgcn, impl/graph and impl/gcn against properties/lgcn and properties/clustergcn;
 * // clustergcn mutates impl/clustergcn against properties/clustergcn.
 */
export function mutationScopes(root: string, specs: readonly MethodSpec[]): MutationScope[] {
  const sources = methodSources(root, specs);
  const ids = new Set(sources.map((m) => m.id));
  return sources.map((method) => {
    const folders = method.folders.filter((folder) => {
      const runner = MUTATION_RUN_OF_SHARED[folder];
      return runner === undefined || runner === method.id || !ids.has(runner);
    });
    const sharers = sources.filter((other) => other.id !== method.id && other.folders.some((f) => folders.includes(f)));
    const testFolders = [method.properties, ...sharers.map((other) => other.properties)].filter((p): p is string => p !== null);
    return { ...method, folders, files: folders.flatMap((folder) => sourceFiles(root, folder)), testFolders };
  });
}

/**
 * Lists the TypeScript source files under `folder` (relative to `root`): every `.ts` file except
 * tests (`*.test.ts`) and declarations (`*.d.ts`), sorted.
 */
export function sourceFiles(root: string, folder: string): string[] {
  const base = join(root, folder);
  if (!isFolder(base)) return [];
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (isSourceFile(entry.name)) files.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(base);
  return files.sort();
}

/** True for a `.ts` file that is neither a test nor a declaration file. */
export function isSourceFile(name: string): boolean {
  return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts');
}

/** Returns the ids of the methods whose folders contain `file` (relative to the root, `/` separators). */
export function ownersOf(file: string, sources: readonly MethodSources[]): string[] {
  return sources.filter((m) => m.folders.some((folder) => file.startsWith(`${folder}/`))).map((m) => m.id);
}

function isFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
