// The installers' icons (npm run icons): every size each platform asks for, as real PNG images.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ICNS_TYPES, ICO_SIZES, LINUX_SIZES } from '../../scripts/make-icons';

const resources = join(import.meta.dirname, '..', '..', 'resources');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height of a PNG image, which must start with the signature and its IHDR chunk. */
function pngSize(data: Buffer): [number, number] {
  expect(data.subarray(0, 8).equals(PNG)).toBe(true);
  expect(data.toString('ascii', 12, 16)).toBe('IHDR');
  return [data.readUInt32BE(16), data.readUInt32BE(20)];
}

describe('icons', () => {
  it('Windows: one .ico with every size from 16 to 256', () => {
    const ico = readFileSync(join(resources, 'icon.ico'));
    expect(ico.readUInt16LE(2)).toBe(1);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => {
      const entry = 6 + 16 * i;
      const image = ico.subarray(
        ico.readUInt32LE(entry + 12),
        ico.readUInt32LE(entry + 12) + ico.readUInt32LE(entry + 8),
      );
      const [width, height] = pngSize(image);
      expect(width).toBe(height);
      expect(ico[entry] === 0 ? 256 : ico[entry]).toBe(width);
      return width;
    });
    expect(sizes).toEqual([...ICO_SIZES]);
  });

  it('macOS: one .icns with every type from 16 to 1024 (and the Retina ones)', () => {
    const icns = readFileSync(join(resources, 'icon.icns'));
    expect(icns.toString('ascii', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const found: [string, number][] = [];
    for (let at = 8; at < icns.length;) {
      const length = icns.readUInt32BE(at + 4);
      found.push([icns.toString('ascii', at, at + 4), pngSize(icns.subarray(at + 8, at + length))[0]]);
      at += length;
    }
    expect(found).toEqual(ICNS_TYPES.map(([type, size]) => [type, size]));
  });

  it('Linux: a PNG per size, named as electron-builder expects, and a large one for everything else', () => {
    for (const size of LINUX_SIZES) {
      expect(pngSize(readFileSync(join(resources, 'icons', `${size}x${size}.png`)))).toEqual([size, size]);
    }
    expect(pngSize(readFileSync(join(resources, 'icon.png')))).toEqual([1024, 1024]);
  });
});
