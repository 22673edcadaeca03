// Draws the Teams app icons (appPackage/color.png 192x192, appPackage/outline.png 32x32) from one
// vector description, so both stay the same figure. Run: node scripts/make-icons.mjs
// PNGs are written by hand with node:zlib to avoid an image library for two small files.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const appPackage = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'appPackage');

/** Teal of the colour icon; the manifest's accentColor is the same value. */
const BACKGROUND = [0x0e, 0x7c, 0x66];
const WHITE = [0xff, 0xff, 0xff];

// A person walking briskly ("aktiv"), in a unit square, y pointing down.
// Limbs are polylines drawn as thick strokes with round ends.
const HEAD = { x: 0.56, y: 0.17, r: 0.1 };
const STROKE = 0.105;
const LIMBS = [
  [[0.53, 0.33], [0.47, 0.58]], // torso
  [[0.52, 0.37], [0.37, 0.47], [0.3, 0.4]], // back arm, bent
  [[0.52, 0.37], [0.64, 0.48], [0.76, 0.44]], // front arm, bent
  [[0.47, 0.58], [0.62, 0.71], [0.64, 0.88]], // front leg
  [[0.47, 0.58], [0.39, 0.74], [0.25, 0.84]], // back leg
];

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function insideFigure(x, y) {
  if (Math.hypot(x - HEAD.x, y - HEAD.y) <= HEAD.r) return true;
  return LIMBS.some((limb) =>
    limb.slice(1).some((end, i) => distanceToSegment(x, y, limb[i], end) <= STROKE / 2),
  );
}

/**
 * Fraction of the pixel covered by the figure, from a 4x4 grid of samples; `margin` is the blank
 * border (in unit-square terms) kept around the figure.
 */
function coverage(px, py, size, margin) {
  const n = 4;
  let hits = 0;
  for (let sy = 0; sy < n; sy++) {
    for (let sx = 0; sx < n; sx++) {
      const u = (px + (sx + 0.5) / n) / size;
      const v = (py + (sy + 0.5) / n) / size;
      if (insideFigure((u - margin) / (1 - 2 * margin), (v - margin) / (1 - 2 * margin))) hits++;
    }
  }
  return hits / (n * n);
}

/** RGBA pixels, row by row. */
function render(size, margin, pixel) {
  const rgba = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) rgba.set(pixel(coverage(x, y, size, margin)), (y * size + x) * 4);
  }
  return rgba;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** 8-bit RGBA, no interlace, filter type 0 on every row (the files are tiny either way). */
export function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const rowBytes = size * 4;
  const raw = Buffer.alloc(size * (rowBytes + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (rowBytes + 1) + 1, y * rowBytes, (y + 1) * rowBytes);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const mix = (a, b, t) => a.map((c, i) => Math.round(c + (b[i] - c) * t));

// Colour icon: opaque background to the edges (Teams rounds the corners itself).
const color = render(192, 0.16, (c) => [...mix(BACKGROUND, WHITE, c), 255]);
// Outline icon: Teams requires white on transparent, so coverage only ever changes alpha.
const outline = render(32, 0.03, (c) => (c === 0 ? [0, 0, 0, 0] : [...WHITE, Math.round(c * 255)]));

writeFileSync(path.join(appPackage, 'color.png'), encodePng(192, color));
writeFileSync(path.join(appPackage, 'outline.png'), encodePng(32, outline));
console.log(`Wrote ${path.join(appPackage, 'color.png')} and outline.png`);
