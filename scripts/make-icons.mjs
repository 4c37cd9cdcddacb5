// Renders the app icon (the same house as public/icon.svg) to the PNG sizes the manifest and iOS
// need, with no image library: a point-in-polygon raster written as a PNG with node:zlib.
// Run once after changing the icon: node scripts/make-icons.mjs
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';

const BRAND = [0x0b, 0x5d, 0x4b];
const WHITE = [255, 255, 255];
// Coordinates in a 512 box, as in icon.svg.
const HOUSE = [[256, 96], [88, 232], [136, 232], [136, 416], [232, 416], [232, 312], [280, 312], [280, 416], [376, 416], [376, 232], [424, 232]];

function inside(poly, x, y) {
  let c = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function render(size, { maskable = false, rounded = true, samples = 1 } = {}) {
  // Maskable icons keep the drawing inside the central 80 % safe zone.
  const scale = maskable ? 0.7 : 1;
  const offset = (512 * (1 - scale)) / 2;
  const rows = [];
  // One sample per pixel for the large icons (as they always were); a small one averages
  // samples × samples points per pixel, or its edges would look jagged next to the SVG's.
  const sample = (x, y) => {
    const hx = (x - offset) / scale;
    const hy = (y - offset) / scale;
    let color = BRAND;
    let alpha = 255;
    if (rounded && !maskable) {
      const r = 96;
      const cx = Math.min(Math.max(x, r), 512 - r);
      const cy = Math.min(Math.max(y, r), 512 - r);
      if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) alpha = 0;
    }
    if (inside(HOUSE, hx, hy) && (hx - 256) ** 2 + (hy - 236) ** 2 > 28 * 28) color = WHITE;
    return [...color, alpha];
  };
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let px = 0; px < size; px++) {
      if (samples === 1) {
        row.set(sample(((px + 0.5) / size) * 512, ((py + 0.5) / size) * 512), 1 + px * 4);
        continue;
      }
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const [r, g, b, a] = sample(((px + (sx + 0.5) / samples) / size) * 512, ((py + (sy + 0.5) / samples) / size) * 512);
          // Colours weighted by alpha, so transparent corners do not darken the edge.
          sum[0] += r * a;
          sum[1] += g * a;
          sum[2] += b * a;
          sum[3] += a;
        }
      }
      const n = samples * samples;
      const rgb = sum[3] ? sum.slice(0, 3).map((v) => Math.round(v / sum[3])) : [0, 0, 0];
      row.set([...rgb, Math.round(sum[3] / n)], 1 + px * 4);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

writeFileSync('public/pwa-192x192.png', render(192));
writeFileSync('public/pwa-512x512.png', render(512));
writeFileSync('public/maskable-512x512.png', render(512, { maskable: true }));
// iOS draws its own rounded corners and shows transparency as black.
writeFileSync('public/apple-touch-icon.png', render(180, { rounded: false }));
// The page's icon: a PNG, not icon.svg. The browser fetches and decodes a page's icon in the
// page's own renderer once it has loaded, and an SVG one builds a whole SVG document there (style,
// layout, paint) in one main-thread task of 30–140 ms on a busy phone; a small PNG decodes in
// well under a millisecond.
writeFileSync('public/favicon-48x48.png', render(48, { samples: 4 }));
console.log('icons written to public/');
