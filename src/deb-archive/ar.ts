// Streaming reader of the common ar format that .deb uses: "!<arch>\n", then per member a 60-byte header
// (name, mtime, uid, gid, octal mode, decimal size, "`\n") and the body padded to an even length.
// Invariants: a member body is streamed, never buffered whole; bodies are one-shot and go stale when the
// next member is read (unread bytes are skipped); GNU/BSD long-name and symbol-table members, which a .deb
// never has, are rejected; the source is closed when iteration ends or is abandoned.
import { ByteQueue, PithError } from '../util/index.ts';
import { debError } from './deb-error.ts';

/** One member of an ar archive. */
export interface ArMember {
  /** The member name, without the space padding or GNU's trailing '/'. */
  name: string;
  /** Body length in bytes (without the padding byte). */
  size: number;
  /** The body; must be consumed (or left for the iterator to skip) before the next member is requested. */
  body: AsyncIterable<Buffer>;
}

const MAGIC = Buffer.from('!<arch>\n', 'latin1');
const HEADER = 60;
const FMAG = '`\n';
const MAX_PIECE = 1 << 20;

/**
 * Reads an ar archive member by member. Throws PithError('invalid','BAD_AR') naming `where` and the byte
 * offset on a bad magic, a malformed or truncated header, a truncated body, or a long-name member.
 */
export async function* readAr(source: AsyncIterable<Buffer>, where: string): AsyncIterable<ArMember> {
  const q = new ByteQueue(source);
  try {
    await readMagic(q, where);
    for (;;) {
      const at = q.offset;
      const header = await q.readUpTo(HEADER);
      if (header.length === 0) return;
      if (header.length < HEADER) throw badAr(where, at, 'truncated member header');
      const { name, size } = parseHeader(header, where, at);
      const body = new MemberBody(q, size, where, name);
      yield { name, size, body };
      body.stale = true;
      await body.skipRest();
      if (size % 2 === 1) await q.skip(1); // the padding byte; tolerated missing at the very end
    }
  } finally {
    await q.close();
  }
}

async function readMagic(q: ByteQueue, where: string): Promise<void> {
  const head = await q.readUpTo(MAGIC.length);
  if (!head.equals(MAGIC)) {
    const what = head.length === 0 ? 'the file is empty' : 'it does not start with "!<arch>\\n"';
    throw badAr(where, 0, `not a Debian package (ar archive): ${what}`);
  }
}

/** Parses and checks one 60-byte member header. */
function parseHeader(h: Buffer, where: string, at: number): { name: string; size: number } {
  if (h.toString('latin1', 58, 60) !== FMAG) throw badAr(where, at, 'bad member header terminator');
  const raw = h.toString('latin1', 0, 16).replace(/ +$/, '');
  if (raw.startsWith('/') || raw.startsWith('#1/')) {
    throw badAr(
      where,
      at,
      `member ${JSON.stringify(raw)} uses a GNU/BSD long-name or symbol-table entry, which a .deb never has`,
    );
  }
  const name = raw.endsWith('/') ? raw.slice(0, -1) : raw;
  if (name === '' || name.includes('/')) throw badAr(where, at, `bad member name ${JSON.stringify(raw)}`);
  const sizeText = h.toString('latin1', 48, 58).replace(/ +$/, '');
  if (!/^\d{1,10}$/.test(sizeText)) {
    throw badAr(where, at, `member ${name}: bad size field ${JSON.stringify(sizeText)}`);
  }
  return { name, size: Number(sizeText) };
}

function badAr(where: string, offset: number, message: string): PithError {
  return debError('BAD_AR', where, `${message} (at byte ${offset})`, { offset });
}

/** A member's body: a one-shot stream of exactly `size` bytes from the shared queue. */
class MemberBody implements AsyncIterable<Buffer> {
  stale = false;
  private readonly q: ByteQueue;
  private readonly where: string;
  private readonly name: string;
  private left: number;
  private started = false;

  constructor(q: ByteQueue, size: number, where: string, name: string) {
    this.q = q;
    this.left = size;
    this.where = where;
    this.name = name;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    this.assertUsable();
    this.started = true;
    while (this.left > 0) {
      this.assertUsable(true);
      const piece = await this.q.next(Math.min(this.left, MAX_PIECE));
      if (piece === null) throw this.truncated();
      this.left -= piece.length;
      yield piece;
    }
  }

  /** Skips whatever the consumer left unread. */
  async skipRest(): Promise<void> {
    const skipped = await this.q.skip(this.left);
    this.left -= skipped;
    if (this.left > 0) throw this.truncated();
  }

  private assertUsable(resuming = false): void {
    if (this.stale || (this.started && !resuming)) {
      const why = this.stale ? 'after the next member was requested' : 'twice';
      throw new PithError('internal', 'AR_BODY_REUSED', `${this.where}: ar member ${this.name} read ${why}`);
    }
  }

  private truncated(): PithError {
    return badAr(this.where, this.q.offset, `member ${this.name} is truncated (${this.left} bytes missing)`);
  }
}
