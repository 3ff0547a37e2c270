// A Java app's layers, offline, from jars made with the zip tool (a jar is a zip with META-INF/MANIFEST.MF):
// Jib's order — release dependencies, snapshot dependencies, then the jar (packaged) or resources and
// classes (exploded) — with the entrypoint java -jar /app/app.jar or java -cp … MAIN; editing the code
// changes only the top layer. Refused: a Class-Path entry that is missing, absolute or outside the app, a
// jar without Main-Class and no mainClass, a main class that is not there, a file that is no jar.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { appImage } from '../../src/assemble/app-layers.ts';
import { type LoadedConfig, parseConfig } from '../../src/config/index.ts';
import { readAll } from '../../src/util/index.ts';
import { run, tempDir } from '../helpers.ts';
import { refusal } from './files-helpers.ts';

async function files(root: string, tree: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(tree)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), content);
  }
}

/** Zips `tree` (a manifest and class files) into `jar` with the zip tool. */
async function jar(
  t: TestContext,
  dir: string,
  jarPath: string,
  tree: Record<string, string>,
): Promise<void> {
  const src = await tempDir(t, 'pith-jar-');
  await files(src, tree);
  await mkdir(dirname(join(dir, jarPath)), { recursive: true });
  const r = await run('zip', ['-q', '-X', '-r', join(dir, jarPath), '.'], { cwd: src });
  assert.equal(r.code, 0, r.stderr);
}

const manifest = (attrs: Record<string, string>) =>
  `Manifest-Version: 1.0\r\n${Object.entries(attrs)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;

function config(dir: string, app: string, extra = ''): LoadedConfig {
  return parseConfig(`archs: [amd64]\napp:\n${app}${extra}`, join(dir, 'pith.yaml'));
}

async function image(loaded: LoadedConfig, ownEntrypoint = false) {
  const layerOpts = { epoch: 1_700_000_000, compression: 'gzip' as const };
  const img = await appImage(loaded, 'amd64', layerOpts, new Map(), {
    cwd: loaded.baseDir,
    cache: undefined as never,
    ownEntrypoint,
  });
  assert.ok(img);
  return img;
}

const paths = (img: Awaited<ReturnType<typeof image>>) =>
  img.trees.map((t) =>
    t
      .entries()
      .filter((e) => e.type !== 'dir')
      .map((e) => e.path),
  );

/** A thin jar naming a release and a snapshot dependency in its Class-Path, as Maven's jar plugin writes it. */
async function thinJar(t: TestContext, dir: string): Promise<void> {
  await jar(t, dir, 'target/lib/dep-1.0.jar', {
    'META-INF/MANIFEST.MF': manifest({}),
    'dep/Dep.class': 'dep',
  });
  await jar(t, dir, 'target/lib/snap-2.0-SNAPSHOT.jar', {
    'META-INF/MANIFEST.MF': manifest({}),
    'snap/Snap.class': 'snap',
  });
  await appJar(t, dir, 'Hello world');
}

async function appJar(t: TestContext, dir: string, main: string): Promise<void> {
  await jar(t, dir, 'target/app-1.0.jar', {
    'META-INF/MANIFEST.MF': manifest({
      'Main-Class': 'com.example.Main',
      'Class-Path': 'lib/dep-1.0.jar lib/snap-2.0-SNAPSHOT.jar',
    }),
    'com/example/Main.class': main,
  });
}

test('a jar: its Class-Path dependencies (release, then snapshot), then the jar; java -jar /app/app.jar', async (t) => {
  const dir = await tempDir(t);
  await thinJar(t, dir);
  const img = await image(config(dir, '  jar: target/app-1.0.jar\n'));
  assert.deepEqual(paths(img), [['app/lib/dep-1.0.jar'], ['app/lib/snap-2.0-SNAPSHOT.jar'], ['app/app.jar']]);
  assert.deepEqual(
    img.layers.map((l) => l.createdBy),
    ['pith: app 1 dependency', 'pith: app 1 snapshot dependency', 'pith: app jar target/app-1.0.jar'],
  );
  assert.deepEqual(img.entrypoint, ['/usr/bin/java', '-jar', '/app/app.jar']);
  assert.equal(img.workdir, '/app');
  const built = img.trees[2]!.entries().find((e) => e.path === 'app/app.jar')!;
  assert.equal((await readAll(built.content!())).subarray(0, 2).toString(), 'PK');

  // editing the code changes only the jar's layer
  await appJar(t, dir, 'Hello again');
  const again = await image(config(dir, '  jar: target/app-1.0.jar\n'));
  assert.deepEqual(
    again.layers.slice(0, 2).map((l) => l.diffId),
    img.layers.slice(0, 2).map((l) => l.diffId),
  );
  assert.notEqual(again.layers[2]!.diffId, img.layers[2]!.diffId);
});

test('a jar with mainClass runs java -cp /app/app.jar MAIN; a fat jar has one layer', async (t) => {
  const dir = await tempDir(t);
  await jar(t, dir, 'fat.jar', {
    'META-INF/MANIFEST.MF': manifest({ 'Main-Class': 'a.Launcher' }),
    'a/Launcher.class': 'x',
    'a/Other.class': 'y',
  });
  const img = await image(config(dir, '  jar: fat.jar\n  mainClass: a.Other\n  dst: /srv\n'));
  assert.deepEqual(paths(img), [['srv/app.jar']]);
  assert.deepEqual(img.entrypoint, ['/usr/bin/java', '-cp', '/srv/app.jar', 'a.Other']);
  assert.equal(img.workdir, '/srv');
  const own = await image(config(dir, '  jar: fat.jar\n  mainClass: a.Other\n'), true);
  assert.equal(own.entrypoint, undefined, "the config's own entrypoint is used");
});

test('exploded classes: dependencies, snapshot dependencies, resources, classes; java -cp … MAIN', async (t) => {
  const dir = await tempDir(t);
  await jar(t, dir, 'build/libs/guava-33.0.jar', { 'META-INF/MANIFEST.MF': manifest({}), 'g/G.class': 'g' });
  await jar(t, dir, 'build/libs/mine-0.1-SNAPSHOT.jar', {
    'META-INF/MANIFEST.MF': manifest({}),
    'm/M.class': 'm',
  });
  await files(dir, {
    'build/libs/README.txt': 'not a jar',
    'build/resources/main/app.properties': 'greeting=hi\n',
    'build/classes/main/com/example/Main.class': 'main',
  });
  const app =
    '  classes: build/classes/main\n  resources: build/resources/main\n  lib: build/libs\n  mainClass: com.example.Main\n';
  const img = await image(config(dir, app));
  assert.deepEqual(paths(img), [
    ['app/libs/guava-33.0.jar'],
    ['app/libs/mine-0.1-SNAPSHOT.jar'],
    ['app/resources/app.properties'],
    ['app/classes/com/example/Main.class'],
  ]);
  assert.deepEqual(img.entrypoint, [
    '/usr/bin/java',
    '-cp',
    '/app/resources:/app/classes:/app/libs/*',
    'com.example.Main',
  ]);
  await writeFile(join(dir, 'build/classes/main/com/example/Main.class'), 'main, edited');
  const again = await image(config(dir, app));
  assert.deepEqual(
    again.layers.slice(0, 3).map((l) => l.diffId),
    img.layers.slice(0, 3).map((l) => l.diffId),
    'only the classes layer changes',
  );
  assert.notEqual(again.layers[3]!.diffId, img.layers[3]!.diffId);

  // a main class in a dependency jar is found there
  const fromLib = await image(config(dir, app.replace('com.example.Main', 'g.G')));
  assert.equal(fromLib.entrypoint?.at(-1), 'g.G');
});

test('refuses what cannot run, naming the field', async (t) => {
  const dir = await tempDir(t);
  await thinJar(t, dir);
  await jar(t, dir, 'nomain.jar', { 'META-INF/MANIFEST.MF': manifest({}), 'x/X.class': 'x' });
  await jar(t, dir, 'missing-dep.jar', {
    'META-INF/MANIFEST.MF': manifest({ 'Main-Class': 'x.X', 'Class-Path': 'lib/gone.jar' }),
    'x/X.class': 'x',
  });
  await jar(t, dir, 'escape.jar', {
    'META-INF/MANIFEST.MF': manifest({ 'Main-Class': 'x.X', 'Class-Path': '../outside.jar' }),
    'x/X.class': 'x',
  });
  await jar(t, dir, 'url.jar', {
    'META-INF/MANIFEST.MF': manifest({ 'Main-Class': 'x.X', 'Class-Path': 'file:/opt/x.jar' }),
    'x/X.class': 'x',
  });
  await files(dir, { 'notajar.jar': 'hello', 'classes/x/X.class': 'x' });
  const cases: [string, string, RegExp][] = [
    [
      '  jar: nomain.jar\n',
      'NO_MAIN_CLASS',
      /app\.jar: .*nomain\.jar has no Main-Class in its manifest; set app\.mainClass/,
    ],
    [
      '  jar: target/app-1.0.jar\n  mainClass: com.example.Nope\n',
      'MAIN_CLASS_MISSING',
      /app\.mainClass: the main class com\.example\.Nope \(com\/example\/Nope\.class\) is not among/,
    ],
    [
      '  jar: missing-dep.jar\n',
      'JAR_CLASS_PATH',
      /app\.jar: Class-Path names lib\/gone\.jar, which is not there/,
    ],
    [
      '  jar: escape.jar\n',
      'JAR_CLASS_PATH',
      /Class-Path names \.\.\/outside\.jar, which lies outside the app directory \/app/,
    ],
    ['  jar: url.jar\n', 'JAR_CLASS_PATH', /Class-Path names file:\/opt\/x\.jar, an absolute location/],
    ['  jar: notajar.jar\n', 'NOT_A_JAR', /app\.jar: .*notajar\.jar: not a readable zip archive/],
    ['  classes: classes\n', 'NO_MAIN_CLASS', /app\.classes: needs app\.mainClass/],
    ['  classes: classes\n  mainClass: x.Y\n', 'MAIN_CLASS_MISSING', /app\.mainClass: the main class x\.Y/],
    [
      '  classes: notajar.jar\n  mainClass: x.X\n',
      'APP_NOT_A_DIRECTORY',
      /app\.classes: .*notajar\.jar is not a directory/,
    ],
  ];
  for (const [app, code, message] of cases) {
    const err = await refusal(image(config(dir, app)));
    assert.equal(err.code, code, `${app}: ${err.message}`);
    assert.equal(err.kind, 'input');
    assert.match(err.message, message);
    assert.doesNotMatch(err.message, /\n/);
  }
});

test('the app schema: exactly one kind; lib and resources only with classes; mainClass only for Java', async (t) => {
  const dir = await tempDir(t);
  const bad: [string, RegExp][] = [
    ['  jar: a.jar\n  node: .\n', /app: needs exactly one of node, python, jar, classes/],
    ['  jar: a.jar\n  lib: libs\n', /app\.lib: is only used with classes/],
    ['  node: .\n  mainClass: a.B\n', /app\.mainClass: is only used with jar or classes/],
    ['  jar: a.jar\n  mainClass: 1abc\n', /app\.mainClass: must be a Java class name/],
  ];
  for (const [app, message] of bad) {
    const err = await refusal(Promise.resolve().then(() => config(dir, app)));
    assert.equal(err.code, 'CONFIG_INVALID');
    assert.match(err.message, message);
  }
});
