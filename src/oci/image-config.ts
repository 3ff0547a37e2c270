// The image configuration (image-spec config.md). Unknown fields are preserved because the raw bytes are
// kept; pith emits the Go-style spellings and never emits deprecated or Docker-reserved fields.
import { PithError } from '../util/index.ts';
import { JsonDocument, parseJsonObject } from './document.ts';
import { checkCount, LIMITS } from './limits.ts';
import { MediaType } from './media-types.ts';
import type { Platform } from './platform.ts';

export interface ExecConfig {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  [extra: string]: unknown;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageConfigJson {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
  config?: ExecConfig;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: HistoryEntry[];
  [extra: string]: unknown;
}

export type ImageConfig = JsonDocument<ImageConfigJson>;

/** Parses an image config with the REQUIRED fields checked. */
export function parseImageConfig(
  raw: Buffer,
  mediaType: string = MediaType.ociConfig,
  where = 'config',
): ImageConfig {
  const v = parseJsonObject(raw, where, LIMITS.configBytes);
  const bad = (why: string): never => {
    throw new PithError('invalid', 'BAD_CONFIG', `${where}: ${why}`);
  };
  if (typeof v['architecture'] !== 'string') bad('architecture is missing');
  if (typeof v['os'] !== 'string') bad('os is missing');
  const rootfs = v['rootfs'] as Record<string, unknown> | undefined;
  if (!rootfs || typeof rootfs !== 'object') bad('rootfs is missing');
  else if (!Array.isArray(rootfs['diff_ids'])) bad('rootfs.diff_ids must be an array');
  else checkCount(rootfs['diff_ids'].length, LIMITS.diffIds, where, 'rootfs.diff_ids');
  if (Array.isArray(v['history'])) checkCount(v['history'].length, LIMITS.history, where, 'history');
  return new JsonDocument(raw, v as ImageConfigJson, mediaType);
}

/** The platform an image config declares. */
export function configPlatform(c: ImageConfigJson): Platform {
  const p: Platform = { os: c.os, architecture: c.architecture };
  if (c.variant) p.variant = c.variant;
  if (c['os.version']) p['os.version'] = c['os.version'];
  return p;
}

/** Builds a config document, serialised canonically. */
export function buildImageConfig(value: ImageConfigJson): ImageConfig {
  return JsonDocument.of(value, MediaType.ociConfig);
}
