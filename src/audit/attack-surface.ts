// The attack surface of a flattened file system: shells, package managers' commands, setuid/setgid files,
// world-writable paths without the sticky bit, and device nodes, each with the layer that put it there.
// Commands are recognised by name in a directory a PATH would hold (…/bin, …/sbin, distroless's /busybox,
// or the root), as regular files, hardlinks or symlinks (busybox's applet links).
import type { InventoryFile } from '../inventory/index.ts';

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'csh', 'tcsh', 'fish', 'busybox']);
const PACKAGE_MANAGERS = new Set([
  'apt',
  'apt-get',
  'aptitude',
  'dpkg',
  'apk',
  'rpm',
  'dnf',
  'yum',
  'microdnf',
  'zypper',
  'pip',
  'pip3',
  'easy_install',
  'npm',
  'npx',
  'yarn',
  'pnpm',
  'gem',
]);
const PIP = /^pip\d+(\.\d+)?$/;

const COMMAND_TYPES = new Set(['file', 'hardlink', 'symlink']);

/** Whether `path` lies where a PATH lookup would find a command. */
function inCommandDir(path: string): boolean {
  const slash = path.lastIndexOf('/');
  if (slash < 0) return true;
  const dir = path.slice(path.lastIndexOf('/', slash - 1) + 1, slash);
  return dir === 'bin' || dir === 'sbin' || dir === 'busybox';
}

function commandName(f: InventoryFile): string | undefined {
  if (!COMMAND_TYPES.has(f.type) || !inCommandDir(f.path)) return undefined;
  return f.path.slice(f.path.lastIndexOf('/') + 1);
}

export function shells(files: readonly InventoryFile[]): InventoryFile[] {
  return files.filter((f) => SHELLS.has(commandName(f) ?? ''));
}

export function packageManagers(files: readonly InventoryFile[]): InventoryFile[] {
  return files.filter((f) => {
    const name = commandName(f);
    return name !== undefined && (PACKAGE_MANAGERS.has(name) || PIP.test(name));
  });
}

export function setuidFiles(files: readonly InventoryFile[]): InventoryFile[] {
  return files.filter((f) => f.type === 'file' && (f.mode & 0o6000) !== 0);
}

export function worldWritable(files: readonly InventoryFile[]): InventoryFile[] {
  return files.filter(
    (f) => (f.type === 'file' || f.type === 'dir') && (f.mode & 0o002) !== 0 && (f.mode & 0o1000) === 0,
  );
}

export function deviceNodes(files: readonly InventoryFile[]): InventoryFile[] {
  return files.filter((f) => f.type === 'char' || f.type === 'block');
}
