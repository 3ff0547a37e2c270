// The run settings of an image whose /usr/bin/java is a Debian JVM (the Java presets): JAVA_VERSION in
// the environment, as distroless's java images set it (briefs/distroless.md §1.9), and the version as an
// image annotation, as the nodejs presets carry theirs. The version is the JVM's own (its release file),
// known only once the packages are resolved, so it cannot be written in a preset.
import type { LoadedConfig } from '../config/index.ts';
import type { InstallResult } from '../rootfs/index.ts';

export const JAVA_VERSION_ANNOTATION = 'dev.pith.java.version';

/** The config with JAVA_VERSION set (unless the config sets it itself). */
export function withJavaRuntime(loaded: LoadedConfig, debian: InstallResult | undefined): LoadedConfig {
  const version = debian?.java?.version;
  if (!version || loaded.config.env?.['JAVA_VERSION'] !== undefined) return loaded;
  return { ...loaded, config: { ...loaded.config, env: { JAVA_VERSION: version, ...loaded.config.env } } };
}

/** The image annotation naming the Java version. */
export function javaAnnotations(debian: InstallResult | undefined): Record<string, string> {
  const version = debian?.java?.version;
  return version ? { [JAVA_VERSION_ANNOTATION]: version } : {};
}
