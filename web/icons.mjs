// The app's icons, drawn here from a few shapes and written as PNG (and one ICO) with
// Node's zlib: no image in git, no drawing program at build time, the same bytes every
// build. build.mjs calls writeIcons(outDir); `node web/icons.mjs <dir>` writes them alone,
// to look at.
//
// The picture: a white map pin with an amber light in it, on the dashboard's navy.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync, constants as zlib } from "node:zlib";

const NAVY = [0x14, 0x32, 0x4f];
const WHITE = [0xff, 0xff, 0xff];
const AMBER = [0xf0, 0xb4, 0x00];

// The pin in a unit box: a head (circle) and the two tangents from its tip.
const HEAD = { x: 0.5, y: 0.4, r: 0.26 };
const TIP = { x: 0.5, y: 0.9 };
const LIGHT = { x: 0.5, y: 0.4, r: 0.11 };
const TANGENT = (() => {
  const d = TIP.y - HEAD.y;
  const cos = HEAD.r / d;
  const sin = Math.sqrt(1 - cos * cos);
  return { dx: HEAD.r * sin, y: HEAD.y + HEAD.r * cos };
})();
// The pin spans 0.14 to 0.9 in its box: centred, the box moves up by this much of its size.
const PIN_SHIFT = (HEAD.y - HEAD.r + TIP.y) / 2 - 0.5;

// Each file: its name, size in pixels, the glyph's box as a share of the size, and whether
// the navy fills the whole square (maskable and Apple icons: the platform cuts the shape)
// or a rounded square with clear corners.
export const ICONS = [
  { name: "icon-192.png", size: 192, glyph: 0.8, corner: 0.18, purpose: "any" },
  { name: "icon-512.png", size: 512, glyph: 0.8, corner: 0.18, purpose: "any" },
  // Maskable: everything that matters within the centre circle of 80 % of the size.
  { name: "icon-maskable-192.png", size: 192, glyph: 0.72, corner: 0, purpose: "maskable" },
  { name: "icon-maskable-512.png", size: 512, glyph: 0.72, corner: 0, purpose: "maskable" },
  // iOS rounds the corners itself and shows transparency as black.
  { name: "apple-touch-icon.png", size: 180, glyph: 0.76, corner: 0 },
];
const FAVICON_SIZES = [16, 32, 48];

function inRoundedSquare(x, y, corner) {
  if (corner === 0) return true;
  const cx = Math.min(Math.max(x, corner), 1 - corner);
  const cy = Math.min(Math.max(y, corner), 1 - corner);
  return (x - cx) ** 2 + (y - cy) ** 2 <= corner * corner;
}

function inPin(x, y) {
  if ((x - HEAD.x) ** 2 + (y - HEAD.y) ** 2 <= HEAD.r * HEAD.r) return true;
  if (y < TANGENT.y || y > TIP.y) return false;
  const half = (TANGENT.dx * (TIP.y - y)) / (TIP.y - TANGENT.y);
  return Math.abs(x - TIP.x) <= half;
}

// RGBA pixels, 4 x 4 samples each for smooth edges.
function draw(size, glyph, corner) {
  const S = 4;
  const pixels = Buffer.alloc(size * size * 4);
  const box = size * glyph;
  const left = (size - box) / 2;
  const top = (size - box) / 2 + PIN_SHIFT * box;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = px + (sx + 0.5) / S;
          const y = py + (sy + 0.5) / S;
          if (!inRoundedSquare(x / size, y / size, corner)) continue;
          const gx = (x - left) / box;
          const gy = (y - top) / box;
          let colour = NAVY;
          if ((gx - LIGHT.x) ** 2 + (gy - LIGHT.y) ** 2 <= LIGHT.r * LIGHT.r) colour = AMBER;
          else if (inPin(gx, gy)) colour = WHITE;
          r += colour[0];
          g += colour[1];
          b += colour[2];
          a += 1;
        }
      }
      const i = (py * size + px) * 4;
      // Straight (not premultiplied) alpha, as PNG wants.
      pixels[i] = a ? Math.round(r / a) : 0;
      pixels[i + 1] = a ? Math.round(g / a) : 0;
      pixels[i + 2] = a ? Math.round(b / a) : 0;
      pixels[i + 3] = Math.round((a * 255) / (S * S));
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

// A PNG of RGBA pixels: colour type 6, or 2 (RGB) when every pixel is opaque. Each row
// filtered with "up" (the picture is mostly flat), deflated at level 9.
export function png(size, rgba) {
  const opaque = rgba.every((v, i) => i % 4 !== 3 || v === 255);
  const channels = opaque ? 3 : 4;
  const stride = size * channels;
  const raw = Buffer.alloc((stride + 1) * size);
  let previous = Buffer.alloc(stride);
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(stride);
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < channels; c++) row[x * channels + c] = rgba[(y * size + x) * 4 + c];
    }
    raw[y * (stride + 1)] = 2; // filter: up
    for (let i = 0; i < stride; i++) raw[y * (stride + 1) + 1 + i] = (row[i] - previous[i]) & 0xff;
    previous = row;
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bits per channel
  header[9] = opaque ? 2 : 6;
  // compression, filter method, interlace: 0
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: zlib.Z_BEST_COMPRESSION })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

// An ICO whose images are PNGs (read by every browser and by Windows since Vista).
export function ico(images) {
  const dir = Buffer.alloc(6 + 16 * images.length);
  dir.writeUInt16LE(0, 0);
  dir.writeUInt16LE(1, 2); // type: icon
  dir.writeUInt16LE(images.length, 4);
  let offset = dir.length;
  images.forEach(({ size, bytes }, i) => {
    const e = 6 + 16 * i;
    dir[e] = size >= 256 ? 0 : size;
    dir[e + 1] = size >= 256 ? 0 : size;
    dir.writeUInt16LE(1, e + 4); // colour planes
    dir.writeUInt16LE(32, e + 6); // bits per pixel
    dir.writeUInt32LE(bytes.length, e + 8);
    dir.writeUInt32LE(offset, e + 12);
    offset += bytes.length;
  });
  return Buffer.concat([dir, ...images.map((i) => i.bytes)]);
}

// Writes every icon and favicon.ico into outDir; returns the names written.
export function writeIcons(outDir) {
  mkdirSync(outDir, { recursive: true });
  const names = [];
  for (const icon of ICONS) {
    writeFileSync(join(outDir, icon.name), png(icon.size, draw(icon.size, icon.glyph, icon.corner)));
    names.push(icon.name);
  }
  // Small sizes: a larger pin, or it is a dot.
  const favicons = FAVICON_SIZES.map((size) => ({ size, bytes: png(size, draw(size, 0.86, 0.18)) }));
  writeFileSync(join(outDir, "favicon.ico"), ico(favicons));
  names.push("favicon.ico");
  return names;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!process.argv[2]) {
    console.error("usage: node web/icons.mjs <dir>");
    process.exit(1);
  }
  console.log(writeIcons(resolve(process.argv[2])).join("\n"));
}
