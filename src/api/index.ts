// The pith API facade: what the CLI calls and what library users import. String references in, plain
// JSON-friendly reports out.

export { setFetchDefaults } from '../apt-repo/index.ts';
export { ARCHS, listPresets, type PresetInfo, SUITES, VARIANTS } from '../config/index.ts';
export { removePendingTemps as abortPendingWrites, setRemoteDefaults } from '../io/index.ts';
export { isPithError, PithError } from '../util/index.ts';
export { type BuildReport, type BuildRequest, build, type DebianSummary } from './build.ts';
export { type InspectReport, inspect, type ValidateReport, validate } from './inspect.ts';
export { type LockReport, type LockRequest, lock, lockPath, type WhyReport, why } from './lock.ts';
export { type PinFileReport, pin } from './pin.ts';
export { type PresetReport, showPreset } from './presets.ts';
export { type CopyReport, copy, digest, listTags, login, logout, selectPlatform, tag } from './registry.ts';
export type { ArtifactSummary, ImageSummary, LayerSummary } from './summary.ts';
