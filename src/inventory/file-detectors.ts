// What the inventory learns from a regular file's own bytes as it streams past (no package database
// involved): a language runtime (runtimes.ts), the Go modules compiled into an executable
// (go-buildinfo.ts), the Java packages inside an archive (java-archive.ts).

import { isElf } from './elf.ts';
import { goPackages, readGoBuildInfo } from './go-buildinfo.ts';
import { isJavaArchive, javaPackages } from './java-archive.ts';
import { detectRuntime, isRuntimeRelease } from './runtimes.ts';
import type { LanguagePackage, Runtime } from './types.ts';

/** Small facts about one file, never its content. */
export interface Detected {
  runtime?: Omit<Runtime, 'package'>;
  packages?: LanguagePackage[];
}

/** Whether detectFile needs a file's content: ELF files (runtimes, Go), Java archives, a JVM's `release`. */
export function wantsContent(path: string, size: number, head: Buffer): boolean {
  return isElf(head) || isJavaArchive(path) || isRuntimeRelease(path, size);
}

export async function detectFile(path: string, data: Buffer): Promise<Detected | undefined> {
  const runtime = detectRuntime(path, data);
  const go = readGoBuildInfo(data);
  const packages = [
    ...(go ? goPackages(path, go) : []),
    ...(isJavaArchive(path) ? await javaPackages(path, data) : []),
  ];
  if (!runtime && packages.length === 0) return undefined;
  return { ...(runtime ? { runtime } : {}), ...(packages.length ? { packages } : {}) };
}
