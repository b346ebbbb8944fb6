// `npm run icons`: draws Kontor's icon (a white K on an indigo rounded square) at every size the
// installers need and writes resources/icon.png, icon.ico (Windows), icon.icns (macOS) and
// resources/icons/NxN.png (Linux). Drawn from geometry, so no image tool is needed; each size is
// rendered on its own with 4×4 samples per pixel, so small sizes stay sharp.
// src/main/icons.test.ts checks that every file holds every size.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

const INDIGO = [0x4c, 0x6e, 0xf5] as const;

/** Distance from (x, y) to the segment (ax, ay)–(bx, by). */
function toSegment(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

/** Inside the rounded square (unit coordinates, a margin of 6 %, corners of radius 0.2). */
function inSquare(x: number, y: number): boolean {
  const m = 0.06;
  const r = 0.2;
  if (x < m || x > 1 - m || y < m || y > 1 - m) return false;
  const cx = Math.min(Math.max(x, m + r), 1 - m - r);
  const cy = Math.min(Math.max(y, m + r), 1 - m - r);
  return Math.hypot(x - cx, y - cy) <= r;
}

/** On the K: a stem and two arms. */
function inK(x: number, y: number): boolean {
  const half = 0.055;
  return (
    toSegment(x, y, 0.36, 0.27, 0.36, 0.73) <= half ||
    toSegment(x, y, 0.4, 0.52, 0.66, 0.27) <= half ||
    toSegment(x, y, 0.45, 0.47, 0.67, 0.73) <= half
  );
}

/** The icon as RGBA pixels, `size` × `size`. */
function draw(size: number): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let square = 0;
      let letter = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          if (inSquare(x, y)) {
            square++;
            if (inK(x, y)) letter++;
          }
        }
      }
      const n = samples * samples;
      const white = letter / Math.max(1, square);
      const at = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) pixels[at + c] = Math.round((INDIGO[c] ?? 0) * (1 - white) + 255 * white);
      pixels[at + 3] = Math.round((square / n) * 255);
    }
  }
  return pixels;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export function png(size: number): Buffer {
  const rgba = draw(size);
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter method, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A Windows icon of PNG images (Vista and later read them; 256 is written as 0). */
function ico(sizes: readonly number[]): Buffer {
  const images = sizes.map(png);
  const header = Buffer.alloc(6 + 16 * sizes.length);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(sizes.length, 4);
  let offset = header.length;
  sizes.forEach((size, i) => {
    const entry = 6 + 16 * i;
    header[entry] = size >= 256 ? 0 : size;
    header[entry + 1] = size >= 256 ? 0 : size;
    header.writeUInt16LE(1, entry + 4);
    header.writeUInt16LE(32, entry + 6);
    header.writeUInt32LE(images[i]?.length ?? 0, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += images[i]?.length ?? 0;
  });
  return Buffer.concat([header, ...images]);
}

/** The macOS icon types that hold PNG data, by pixel size. */
export const ICNS_TYPES: readonly (readonly [string, number])[] = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
  ['ic11', 32],
  ['ic12', 64],
  ['ic13', 256],
  ['ic14', 512],
];

function icns(): Buffer {
  const entries = ICNS_TYPES.map(([type, size]) => {
    const data = png(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + entries.reduce((n, e) => n + e.length, 0), 4);
  return Buffer.concat([head, ...entries]);
}

export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;
export const LINUX_SIZES = [16, 32, 48, 64, 128, 256, 512] as const;

if (process.argv[1]?.endsWith('make-icons.ts')) {
  const resources = join(import.meta.dirname, '..', 'resources');
  mkdirSync(join(resources, 'icons'), { recursive: true });
  writeFileSync(join(resources, 'icon.png'), png(1024));
  writeFileSync(join(resources, 'icon.ico'), ico(ICO_SIZES));
  writeFileSync(join(resources, 'icon.icns'), icns());
  for (const size of LINUX_SIZES) writeFileSync(join(resources, 'icons', `${size}x${size}.png`), png(size));
  console.log('wrote resources/icon.png, icon.ico, icon.icns and icons/*.png');
}
