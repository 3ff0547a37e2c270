// Fixtures for the network-fault tests: an image with a layer of a few MiB (so that a connection can be
// cut well inside it), pushed to an in-memory registry that a fault proxy fronts.
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { pushRemote } from '../../../src/io/index.ts';
import { buildImage, type Image, parseReference } from '../../../src/oci/index.ts';
import {
  type FaultProxy,
  type MemoryRegistry,
  type MemoryRegistryOptions,
  type ProxyRule,
  startFaultProxy,
  startMemoryRegistry,
} from '../../../src/testing/index.ts';
import { gzipLayer, tarOf } from '../../oci/fixtures.ts';

/** A linux/amd64 image whose one layer is about 2 MiB of incompressible bytes. */
export async function bigImage(): Promise<Image> {
  const tar = await tarOf({ 'data/random.txt': randomBytes(3 << 19).toString('base64') });
  return buildImage({
    config: { architecture: 'amd64', os: 'linux' },
    layers: [gzipLayer(tar, 'random data')],
    epoch: 0,
  });
}

export interface Fronted {
  registry: MemoryRegistry;
  proxy: FaultProxy;
  image: Image;
  /** `127.0.0.1:PROXYPORT/repo:tag`, through the proxy. */
  ref: string;
  /** The layer's digest. */
  layer: string;
}

/** The image pushed as `faults/big:1` to a fresh registry, fronted by a proxy that applies `rules`. */
export async function frontedRegistry(
  t: TestContext,
  rules: (image: Image) => ProxyRule[],
  opts: MemoryRegistryOptions = {},
): Promise<Fronted> {
  const registry = await startMemoryRegistry(opts);
  t.after(() => registry.close());
  const image = await bigImage();
  await pushRemote(parseReference(`${registry.host}/faults/big:1`), image);
  const proxy = await startFaultProxy(registry.url, rules(image));
  t.after(() => proxy.close());
  const layer = image.layers[0]!.descriptor.digest;
  return { registry, proxy, image, ref: `${proxy.host}/faults/big:1`, layer };
}
