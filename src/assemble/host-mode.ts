// The mode a host file or directory gets in the image when its `files` entry gives no `mode`: 0755 for
// directories and executables (any execute bit set), else 0644 — never from the host umask — and never a
// group or other permission the host file lacks, so that what others cannot read on the host is not made
// readable by others in the image (0640 stays 0640, 0600 stays 0600, 0750 stays 0750; 0664 becomes 0644).

/** The image mode of a host file of mode `hostMode` (st_mode) when the config gives none. */
export function defaultMode(hostMode: number, isDirectory: boolean): number {
  const usual = isDirectory || hostMode & 0o111 ? 0o755 : 0o644;
  return usual & (hostMode | 0o700);
}
