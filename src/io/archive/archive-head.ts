// Recognises an image archive from its first 512 bytes, before a compressed archive is decompressed to
// disk: the block must be a tar header (POSIX checksum, unsigned or the historic signed sum: the tar
// module's own check) whose member is one an OCI layout or a `docker save` archive starts with. Only
// the first header is looked at; the full parse (tar module) happens on the decompressed copy.
import { isZeroBlock, verifyChecksum } from '../../tar/index.ts';
import { PithError } from '../../util/index.ts';

const BLOCK = 512;
const TYPEFLAG_AT = 156;

/**
 * Names an image archive may start with: the layout's own files and `blobs/`, docker save's
 * `manifest.json`, `repositories` and per-image `<64 hex>/`, `<64 hex>.json`, `<64 hex>.tar` members, or
 * the archive root itself (`./`).
 */
const IMAGE_MEMBER =
  /^(\.\/)*(\.?|blobs(\/.*)?|oci-layout|index\.json|manifest\.json|repositories|[0-9a-f]{64}.*)$/;

/** Typeflags of headers that describe the next member (PAX, GNU long names): their own name is arbitrary. */
const META_FLAGS = new Set(['x', 'g', 'L', 'K']);

/** Throws NOT_AN_ARCHIVE unless `head` (the first bytes of a decompressed archive) starts an image archive. */
export function checkArchiveHead(head: Buffer, where: string): void {
  const refuse = (why: string) => new PithError('input', 'NOT_AN_ARCHIVE', `${where}: ${why}`);
  if (head.length < BLOCK) throw refuse(`not a tar archive (it decompresses to only ${head.length} bytes)`);
  if (isZeroBlock(head))
    throw refuse('not an image archive (it decompresses to an empty tar archive or to zeros)');
  if (!checksumMatches(head)) throw refuse('not a tar archive (the decompressed data has no tar header)');
  const flag = String.fromCharCode(head[TYPEFLAG_AT]!);
  const name = firstName(head);
  if (!META_FLAGS.has(flag) && !IMAGE_MEMBER.test(name))
    throw refuse(
      `a tar archive, but not an OCI layout or docker save archive (it starts with ${JSON.stringify(name)})`,
    );
}

function checksumMatches(block: Buffer): boolean {
  try {
    verifyChecksum(block, 0);
    return true;
  } catch {
    return false;
  }
}

/** The first member's name (ustar prefix joined), for the check and the message. */
function firstName(block: Buffer): string {
  const field = (at: number, len: number) => {
    const end = block.indexOf(0, at);
    return block.toString('utf8', at, end < 0 || end > at + len ? at + len : end);
  };
  const name = field(0, 100);
  const ustar = block.toString('latin1', 257, 263) === 'ustar\0';
  const prefix = ustar ? field(345, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}
