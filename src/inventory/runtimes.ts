// Language runtimes installed without a package manager (a Node.js release tarball, a JDK unpacked into
// /opt): found by what the files say about themselves, as scanners' binary classifiers do — a `node` ELF
// executable carries `node.js/vX.Y.Z`; a JDK or JRE's `release` file carries JAVA_VERSION="X.Y.Z".

import { isElf } from './elf.ts';
import type { Runtime } from './types.ts';

const NODE_MARK = Buffer.from('node.js/v');
const VERSION = /^(\d+\.\d+\.\d+)/;

/** The runtime a regular file shows itself to be, if any. */
export function detectRuntime(path: string, data: Buffer): Omit<Runtime, 'package'> | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base === 'node' || base === 'nodejs') return nodeRuntime(path, data);
  if (isRuntimeRelease(path, data.length)) return javaRuntime(path, data);
  return undefined;
}

/** Whether a file may be a JVM's `release` file (which names its version). */
export function isRuntimeRelease(path: string, size: number): boolean {
  return path.slice(path.lastIndexOf('/') + 1) === 'release' && size < 64 * 1024;
}

function nodeRuntime(path: string, data: Buffer): Omit<Runtime, 'package'> | undefined {
  if (!isElf(data)) return undefined;
  const at = data.indexOf(NODE_MARK);
  if (at < 0) return undefined;
  const tail = data.subarray(at + NODE_MARK.length, at + NODE_MARK.length + 32).toString('latin1');
  const version = VERSION.exec(tail)?.[1];
  return version ? { name: 'node', version, path } : undefined;
}

function javaRuntime(path: string, data: Buffer): Omit<Runtime, 'package'> | undefined {
  const text = data.toString('utf8');
  const version = /^JAVA_VERSION="([^"]+)"/m.exec(text)?.[1];
  if (!version) return undefined;
  const implementor = /^IMPLEMENTOR="([^"]+)"/m.exec(text)?.[1];
  return {
    name: 'java',
    version,
    path: path.slice(0, path.lastIndexOf('/')),
    ...(implementor ? { vendor: implementor } : {}),
  };
}
