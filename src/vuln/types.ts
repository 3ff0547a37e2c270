// What a vulnerability scan reports: findings (an advisory matched to one installed package, with the
// state the feed gives it for the image's release), the feeds' advisories as pith reads them, and the
// severities and states shared by every output (table, JSON, SARIF, CycloneDX). States and their names
// follow trivy's (`../shared/briefs/analyzers.md` §3.3), so users moving from it read the same words.

/** OpenVEX v0.2.0's statuses and justifications. */
export const VEX_STATUSES = ['not_affected', 'affected', 'fixed', 'under_investigation'] as const;
export type VexStatus = (typeof VEX_STATUSES)[number];

export const VEX_JUSTIFICATIONS = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
] as const;
export type VexJustification = (typeof VEX_JUSTIFICATIONS)[number];

/** Ordered from worst to least; `unknown` when no feed gave one. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Worst first: a negative number when `a` is more severe than `b`. */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b);
}

/** True when `s` is `threshold` or worse (`unknown` reaches only an `unknown` threshold). */
export function atLeast(s: Severity, threshold: Severity): boolean {
  if (s === 'unknown') return threshold === 'unknown';
  return compareSeverity(s, threshold) <= 0;
}

/**
 * What the feed says about the installed version:
 * - `fixed`: a fixed version exists and the installed one is older (upgrade);
 * - `affected`: no fix yet (open in the tracker; an OSV range with no fixed event);
 * - `will_not_fix`: the distribution decided not to fix it in this release (tracker no-DSA, ignored);
 * - `fix_deferred`: postponed to a later point release (tracker nodsa_reason postponed);
 * - `end_of_life`: the package (or release) is out of security support (tracker urgency end-of-life).
 */
export const FINDING_STATES = ['fixed', 'affected', 'will_not_fix', 'fix_deferred', 'end_of_life'] as const;
export type FindingState = (typeof FINDING_STATES)[number];

/** The installed package a finding is about. */
export interface FindingPackage {
  /** purl type: `deb`, `npm`, `pypi`. */
  type: string;
  name: string;
  version: string;
  /** The package's purl, in the shape pith's SBOMs (and syft, trivy) give it. */
  purl: string;
  /** The Debian source package and version the advisory was matched by. */
  source?: { name: string; version: string };
  /** The manifest of a language package. */
  path?: string;
}

/** An advisory matched to one installed package. */
export interface Finding {
  /** The advisory's id: a CVE for the Debian tracker, the OSV id (GHSA-…, PYSEC-…, DSA-…) otherwise. */
  id: string;
  /** Other ids of the same vulnerability (CVE for a GHSA, DSA for a CVE), sorted. */
  aliases: string[];
  package: FindingPackage;
  state: FindingState;
  /** The first version with the fix, when one exists. */
  fixedVersion?: string;
  /** Where the fix is published (`trixie-security`), when the tracker says. */
  fixedIn?: string;
  severity: Severity;
  /** The feed's own word for it: the tracker's urgency, OSV's severity label or CVSS vector. */
  severitySource?: string;
  /** CVSS base score, when the feed gave a vector. */
  cvssScore?: number;
  title?: string;
  /** The tracker's no-DSA note, or why the state was chosen. */
  note?: string;
  /** The feed the advisory came from (its path or URL, credentials removed). */
  feed: string;
  /** Advisory web pages. */
  references?: string[];
}

/** A finding an OpenVEX statement suppressed. */
export interface SuppressedFinding extends Finding {
  vex: {
    status: 'not_affected' | 'fixed';
    justification?: string;
    statement?: string;
    /** The VEX document (path) that said so. */
    document: string;
  };
}
