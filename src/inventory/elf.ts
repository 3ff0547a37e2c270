// The ELF magic number: what marks an executable or shared object, by its first four bytes.

const MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** Whether `head` (a file's first bytes) starts with the ELF magic. */
export function isElf(head: Buffer): boolean {
  return head.length >= 4 && head.subarray(0, 4).equals(MAGIC);
}
