// The single source of build time. SOURCE_DATE_EPOCH (reproducible-builds.org spec) is parsed strictly:
// ASCII decimal seconds, no sign, no fraction; a malformed value is an error, never silently ignored.
// Without it pith uses 0 (1970-01-01T00:00:00Z) so that builds are reproducible by default.
import { PithError } from './errors.ts';

/** 9999-12-31T23:59:59Z: the last time an RFC 3339 `created` field can carry. */
export const MAX_EPOCH = 253402300799;

/** Seconds since the Unix epoch that every timestamp in an image is clamped to. */
export type Epoch = number;

/** Parses a SOURCE_DATE_EPOCH value; `undefined`/empty gives the default 0. */
export function parseEpoch(value: string | undefined, source = 'SOURCE_DATE_EPOCH'): Epoch {
  if (value === undefined || value === '') return 0;
  if (!/^[0-9]{1,15}$/.test(value) || Number(value) > MAX_EPOCH) {
    throw new PithError(
      'input',
      'BAD_EPOCH',
      `${source}="${value}" is not a whole number of seconds since 1970-01-01 (reproducible-builds.org spec)`,
    );
  }
  return Number(value);
}

/** An epoch given as a number (a library request's `epoch`): whole seconds in 0…MAX_EPOCH, else BAD_EPOCH. */
export function checkEpoch(value: number, source = 'epoch'): Epoch {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_EPOCH) {
    throw new PithError(
      'input',
      'BAD_EPOCH',
      `${source} ${value} is not a whole number of seconds from 0 to ${MAX_EPOCH} (9999-12-31T23:59:59Z)`,
    );
  }
  return value;
}

/** The epoch from the process environment. */
export function epochFromEnv(env: NodeJS.ProcessEnv = process.env): Epoch {
  return parseEpoch(env['SOURCE_DATE_EPOCH']);
}

/** RFC 3339 UTC form used for `created` fields, without fractional seconds. */
export function epochToRfc3339(epoch: Epoch): string {
  return new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');
}
