// Package URLs as the purl specification encodes them and as syft/trivy shape Debian ones: the epoch as a
// qualifier, `+` encoded, `~` and `:` left alone, qualifiers sorted, syft's `upstream` for the source.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  debPurl,
  encodePurlComponent,
  formatPurl,
  imageName,
  imagePurl,
  ociPurl,
  splitEpoch,
} from '../../src/sbom/index.ts';
import { debianImage, digest, pkg } from './helpers.ts';

const debian13 = debianImage().os;
const purlOf = (name: string) => {
  const p = debianImage().packages.find((x) => x.name === name)!;
  return debPurl(p, debian13);
};

describe('Debian purls', () => {
  it('name, version, arch, distro (ID-VERSION_ID) and upstream for a source of another name', () => {
    assert.equal(purlOf('libc6'), 'pkg:deb/debian/libc6@2.41-12?arch=amd64&distro=debian-13&upstream=glibc');
  });

  it('the epoch moves to an epoch qualifier; + is %2B, also in the upstream version, whose @ is %40', () => {
    assert.equal(
      purlOf('zlib1g'),
      'pkg:deb/debian/zlib1g@1.3.dfsg%2Breally1.3.1-1%2Bb1?arch=amd64&distro=debian-13&epoch=1' +
        '&upstream=zlib%401:1.3.dfsg%2Breally1.3.1-1',
    );
  });

  it('~ stays as it is (a punctuation character the spec never encodes)', () => {
    assert.equal(purlOf('base-files'), 'pkg:deb/debian/base-files@13.8~deb13u1?arch=amd64&distro=debian-13');
  });

  it('+ in a name is encoded; no upstream when source name and version are the binary own', () => {
    assert.equal(
      purlOf('libstdc++6'),
      'pkg:deb/debian/libstdc%2B%2B6@14.2.0-19?arch=amd64&distro=debian-13&upstream=gcc-14',
    );
    assert.equal(purlOf('tzdata'), 'pkg:deb/debian/tzdata@2025b-4%2Bdeb13u1?arch=all&distro=debian-13');
  });

  it('a binNMU: same source name, another version gives upstream=SOURCE@VERSION', () => {
    assert.equal(
      purlOf('bash'),
      'pkg:deb/debian/bash@5.2.37-2%2Bb5?arch=amd64&distro=debian-13&upstream=bash%405.2.37-2',
    );
  });

  it('the namespace is the os-release ID; without os-release it is debian and there is no distro', () => {
    const p = pkg({
      name: 'libc6',
      version: '2.39-0ubuntu8.4',
      source: { name: 'glibc', version: '2.39-0ubuntu8.4' },
    });
    assert.equal(
      debPurl(p, { id: 'ubuntu', versionId: '24.04' }),
      'pkg:deb/ubuntu/libc6@2.39-0ubuntu8.4?arch=amd64&distro=ubuntu-24.04&upstream=glibc',
    );
    assert.equal(debPurl(p), 'pkg:deb/debian/libc6@2.39-0ubuntu8.4?arch=amd64&upstream=glibc');
    assert.equal(
      debPurl(p, { id: 'debian', versionCodename: 'forky' }),
      'pkg:deb/debian/libc6@2.39-0ubuntu8.4?arch=amd64&upstream=glibc',
      'testing has no VERSION_ID: no distro rather than a guess',
    );
  });

  it('epoch 0 is no epoch', () => {
    assert.deepEqual(splitEpoch('0:1.2-3'), { version: '1.2-3' });
    assert.deepEqual(splitEpoch('2:1.2-3'), { epoch: '2', version: '1.2-3' });
    assert.deepEqual(splitEpoch('1.2:3-4'), { version: '1.2:3-4' }, 'a colon later in the version');
    const p = pkg({ name: 'x', version: '0:1.0-1' });
    assert.equal(debPurl(p, debian13), 'pkg:deb/debian/x@1.0-1?arch=amd64&distro=debian-13');
  });
});

describe('the purl serialiser', () => {
  it('encodes all but alphanumerics, .-_~ and the colon, as UTF-8 %XX', () => {
    assert.equal(encodePurlComponent('a+b c/d@e?f#g&h=i%j:k~l'), 'a%2Bb%20c%2Fd%40e%3Ff%23g%26h%3Di%25j:k~l');
    assert.equal(encodePurlComponent("é!*'()"), '%C3%A9%21%2A%27%28%29');
  });

  it('sorts qualifiers by key, drops empty ones, and encodes namespace and subpath segment by segment', () => {
    assert.equal(
      formatPurl({
        type: 'Generic',
        namespace: '/a b/c/',
        name: 'n',
        version: '1',
        qualifiers: { z: '1', a: 'x/y', m: '', k: undefined },
        subpath: '/p q/./r/',
      }),
      'pkg:generic/a%20b/c/n@1?a=x%2Fy&z=1#p%20q/r',
    );
  });

  it('OCI purls as the purl-spec test suite builds them', () => {
    assert.equal(
      ociPurl('debian', 'sha256:244fd47e07d10', {
        repositoryUrl: 'docker.io/library/debian',
        arch: 'amd64',
        tag: 'latest',
      }),
      'pkg:oci/debian@sha256:244fd47e07d10?arch=amd64&repository_url=docker.io%2Flibrary%2Fdebian&tag=latest',
    );
  });
});

describe('image names', () => {
  it('a registry reference: familiar name without tag or digest, its last component, the repository', () => {
    assert.deepEqual(imageName('docker://registry.example:5000/team/app:1'), {
      name: 'registry.example:5000/team/app',
      purlName: 'app',
      repositoryUrl: 'registry.example:5000/team/app',
    });
    const busybox = imageName(`docker://busybox@${digest('1')}`);
    assert.deepEqual(busybox, {
      name: 'busybox',
      purlName: 'busybox',
      repositoryUrl: 'docker.io/library/busybox',
    });
    assert.equal(
      imagePurl(busybox, digest('1')),
      `pkg:oci/busybox@${digest('1')}?repository_url=docker.io%2Flibrary%2Fbusybox`,
    );
  });

  it('local transports: the path without tag; the purl name is its last component, archive suffix dropped', () => {
    assert.deepEqual(imageName('oci:out/hello:latest'), { name: 'out/hello', purlName: 'hello' });
    assert.deepEqual(imageName('oci-archive:/tmp/x/Image.tar.gz'), {
      name: '/tmp/x/Image.tar.gz',
      purlName: 'image',
    });
    assert.deepEqual(imageName('docker-archive:a.tar:example/hello:1'), {
      name: 'example/hello',
      purlName: 'hello',
    });
    assert.deepEqual(imageName('docker-archive:dir/a.tar:@1'), { name: 'dir/a.tar', purlName: 'a' });
    assert.deepEqual(imageName('out/plain/'), { name: 'out/plain', purlName: 'plain' });
  });
});
