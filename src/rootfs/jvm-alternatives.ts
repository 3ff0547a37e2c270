// What Debian's OpenJDK postinst does with update-alternatives, replicated without running it: each JVM
// package ships /usr/lib/jvm/.NAME.jinfo listing its commands (`hl java /usr/lib/jvm/NAME/bin/java`,
// `jdkhl javac …`) and a priority; for every command whose program is in the image, the JVM of highest
// priority gets /usr/bin/CMD → /etc/alternatives/CMD → its program, the links update-alternatives makes in
// auto mode (slave links — man pages, binfmt — are left out: the image has neither). The JVM behind
// /usr/bin/java also gives the image its Java version (JAVA_VERSION of the JVM's `release` file).
import { posix } from 'node:path';
import type { PackageRecord } from '../apt-repo/index.ts';
import type { DebContents } from '../deb-archive/index.ts';
import { FileTree, symlinkEntry } from '../tar/index.ts';

export interface Jvm {
  /** The JVM's directory name under /usr/lib/jvm, e.g. java-21-openjdk-amd64. */
  name: string;
  /** Its absolute home, e.g. /usr/lib/jvm/java-21-openjdk-amd64. */
  home: string;
  priority: number;
  /** JAVA_VERSION of its release file (what `java -version` prints), if it has one. */
  version?: string;
  /** The package that ships it. */
  package: PackageRecord;
  /** Command name → absolute program path, as the .jinfo lists them. */
  commands: Map<string, string>;
}

const JINFO = /^usr\/lib\/jvm\/\.([^/]+)\.jinfo$/;

/** The JVMs a package ships (one per .jinfo file). */
export function packageJvms(pkg: PackageRecord, deb: DebContents): Jvm[] {
  const out: Jvm[] = [];
  for (const e of deb.entries) {
    if (e.type !== 'file' || !JINFO.test(e.path)) continue;
    const fields = new Map<string, string>();
    const commands = new Map<string, string>();
    for (const line of e.data.toString('utf8').split('\n')) {
      const kv = /^([a-z_]+)=(.*)$/.exec(line);
      if (kv) fields.set(kv[1]!, kv[2]!.trim());
      const cmd = /^[a-z]+ (\S+) (\/\S+)$/.exec(line.trim());
      if (cmd) commands.set(cmd[1]!, cmd[2]!);
    }
    const name = fields.get('name') ?? JINFO.exec(e.path)![1]!;
    const home = `/usr/lib/jvm/${name}`;
    const release = deb.entries.find((r) => r.type === 'file' && `/${r.path}` === `${home}/release`);
    const version = release && /^JAVA_VERSION="([^"]+)"/m.exec(release.data.toString('utf8'))?.[1];
    out.push({
      name,
      home,
      priority: Number(fields.get('priority') ?? 0) || 0,
      ...(version ? { version } : {}),
      package: pkg,
      commands,
    });
  }
  return out;
}

export interface Alternatives {
  /** The links. */
  tree: FileTree;
  /** The JVM /usr/bin/java runs, if any. */
  java?: Jvm;
}

/** update-alternatives' links for the installed JVMs, or undefined when no command of theirs is in the image. */
export function jvmAlternatives(jvms: readonly Jvm[], trees: readonly FileTree[]): Alternatives | undefined {
  const chosen = new Map<string, Jvm>();
  for (const jvm of [...jvms].sort((a, b) => b.priority - a.priority || (a.name < b.name ? -1 : 1))) {
    for (const [cmd, program] of jvm.commands) {
      if (chosen.has(cmd) || !isFile(trees, program)) continue;
      chosen.set(cmd, jvm);
    }
  }
  if (chosen.size === 0) return undefined;
  const tree = new FileTree();
  for (const [cmd, jvm] of chosen) {
    tree.add(`usr/bin/${cmd}`, symlinkEntry(`usr/bin/${cmd}`, `/etc/alternatives/${cmd}`));
    tree.add(`etc/alternatives/${cmd}`, symlinkEntry(`etc/alternatives/${cmd}`, jvm.commands.get(cmd)!));
  }
  const java = chosen.get('java');
  return { tree, ...(java ? { java } : {}) };
}

function isFile(trees: readonly FileTree[], path: string): boolean {
  const p = posix.normalize(path).replace(/^\/+/, '');
  return trees.some((t) => t.get(p)?.type === 'file');
}
