// Shapes of the synthetic boards and their rasterization. Every shape is a signed distance function,
// so edges get analytic anti-aliasing (coverage = 0.5 - distance in pixels) at any output size.
// Coordinates are "board units" (about a tenth of a millimetre): the visible crop spans [0, VIEW) in x
// and y whatever the pixel size. With traces 3.2–5.6 units wide, a 64-unit view shows a trace at 5–9 %
// of the crop's side, as in the published PCB crops, and a defect (mostly 5–14 units) at 8–22 %.

export const VIEW = 64;

export interface Point {
  x: number;
  y: number;
}

/** A segment with round ends whose radius may taper from r0 (at a) to r1 (at b). */
export interface Capsule {
  kind: 'capsule';
  a: Point;
  b: Point;
  r0: number;
  r1: number;
}

export interface Circle {
  kind: 'circle';
  c: Point;
  r: number;
}

/** An axis-free rectangle: centre, unit direction of its length, half length and half width. */
export interface Box {
  kind: 'box';
  c: Point;
  dir: Point;
  halfLength: number;
  halfWidth: number;
}

export type Shape = Capsule | Circle | Box;

export function capsule(a: Point, b: Point, r0: number, r1 = r0): Capsule {
  return { kind: 'capsule', a, b, r0, r1 };
}

export function circle(c: Point, r: number): Circle {
  return { kind: 'circle', c, r };
}

export function box(c: Point, dir: Point, halfLength: number, halfWidth: number): Box {
  return { kind: 'box', c, dir: normalize(dir), halfLength, halfWidth };
}

export function add(p: Point, q: Point): Point {
  return { x: p.x + q.x, y: p.y + q.y };
}

export function sub(p: Point, q: Point): Point {
  return { x: p.x - q.x, y: p.y - q.y };
}

export function scale(p: Point, k: number): Point {
  return { x: p.x * k, y: p.y * k };
}

export function length(p: Point): number {
  return Math.hypot(p.x, p.y);
}

export function normalize(p: Point): Point {
  const l = length(p) || 1;
  return { x: p.x / l, y: p.y / l };
}

/** The left-hand normal of a direction. */
export function normal(dir: Point): Point {
  return { x: -dir.y, y: dir.x };
}

/** Signed distance from (x, y) to the shape, in board units (negative inside). */
// The hot loop of generation: Math.sqrt, several times faster than Math.hypot in V8.
function distance(shape: Shape, x: number, y: number): number {
  switch (shape.kind) {
    case 'circle': {
      const dx = x - shape.c.x;
      const dy = y - shape.c.y;
      return Math.sqrt(dx * dx + dy * dy) - shape.r;
    }
    case 'capsule': {
      const dx = shape.b.x - shape.a.x;
      const dy = shape.b.y - shape.a.y;
      const len2 = dx * dx + dy * dy;
      const t = len2 > 0 ? Math.min(1, Math.max(0, ((x - shape.a.x) * dx + (y - shape.a.y) * dy) / len2)) : 0;
      const px = shape.a.x + t * dx - x;
      const py = shape.a.y + t * dy - y;
      return Math.sqrt(px * px + py * py) - (shape.r0 + (shape.r1 - shape.r0) * t);
    }
    case 'box': {
      const rx = x - shape.c.x;
      const ry = y - shape.c.y;
      const u = Math.abs(rx * shape.dir.x + ry * shape.dir.y) - shape.halfLength;
      const v = Math.abs(-rx * shape.dir.y + ry * shape.dir.x) - shape.halfWidth;
      const ou = Math.max(u, 0);
      const ov = Math.max(v, 0);
      const outside = Math.sqrt(ou * ou + ov * ov);
      return outside + Math.min(Math.max(u, v), 0);
    }
  }
}

/** Bounding box in board units, grown by `margin`. */
function bounds(shape: Shape, margin = 0): { x0: number; y0: number; x1: number; y1: number } {
  let x0: number, y0: number, x1: number, y1: number;
  if (shape.kind === 'circle') {
    [x0, y0, x1, y1] = [shape.c.x - shape.r, shape.c.y - shape.r, shape.c.x + shape.r, shape.c.y + shape.r];
  } else if (shape.kind === 'capsule') {
    const r = Math.max(shape.r0, shape.r1);
    x0 = Math.min(shape.a.x, shape.b.x) - r;
    y0 = Math.min(shape.a.y, shape.b.y) - r;
    x1 = Math.max(shape.a.x, shape.b.x) + r;
    y1 = Math.max(shape.a.y, shape.b.y) + r;
  } else {
    const ex = Math.abs(shape.dir.x) * shape.halfLength + Math.abs(shape.dir.y) * shape.halfWidth;
    const ey = Math.abs(shape.dir.y) * shape.halfLength + Math.abs(shape.dir.x) * shape.halfWidth;
    [x0, y0, x1, y1] = [shape.c.x - ex, shape.c.y - ey, shape.c.x + ex, shape.c.y + ey];
  }
  return { x0: x0 - margin, y0: y0 - margin, x1: x1 + margin, y1: y1 + margin };
}

/**
 * The x-range (board units) where a horizontal line at `y` can be within `grow` of the shape: the
 * whole bounding box, narrowed for capsules to the band around their line, so long diagonal traces
 * cost a few pixels per row instead of the whole box.
 */
function rowSpan(shape: Shape, y: number, grow: number, box: { x0: number; x1: number }): [number, number] {
  if (shape.kind !== 'capsule') return [box.x0, box.x1];
  const dx = shape.b.x - shape.a.x;
  const dy = shape.b.y - shape.a.y;
  if (Math.abs(dy) < 1e-9) return [box.x0, box.x1];
  const reach = (Math.max(shape.r0, shape.r1) + grow) * Math.hypot(dx, dy);
  const xa = shape.a.x + ((y - shape.a.y) * dx - reach) / dy;
  const xb = shape.a.x + ((y - shape.a.y) * dx + reach) / dy;
  return [Math.max(box.x0, Math.min(xa, xb)), Math.min(box.x1, Math.max(xa, xb))];
}

/** A coverage mask (0..1) of size × size pixels showing the view [0, VIEW)². */
export class Mask {
  readonly data: Float32Array;
  readonly unitsPerPixel: number;

  constructor(readonly size: number) {
    this.data = new Float32Array(size * size);
    this.unitsPerPixel = VIEW / size;
  }

  /** Adds (max) or removes (min with 1 - coverage) a shape, grown by `grow` units. */
  draw(shape: Shape, mode: 'add' | 'remove' = 'add', grow = 0): void {
    const k = this.unitsPerPixel;
    const b = bounds(shape, grow + k);
    const x0 = Math.max(0, Math.floor(b.x0 / k));
    const y0 = Math.max(0, Math.floor(b.y0 / k));
    const x1 = Math.min(this.size - 1, Math.ceil(b.x1 / k));
    const y1 = Math.min(this.size - 1, Math.ceil(b.y1 / k));
    for (let py = y0; py <= y1; py++) {
      const [sx0, sx1] = rowSpan(shape, (py + 0.5) * k, grow + k, b);
      const px0 = Math.max(x0, Math.floor(sx0 / k));
      const px1 = Math.min(x1, Math.ceil(sx1 / k));
      for (let px = px0; px <= px1; px++) {
        const d = (distance(shape, (px + 0.5) * k, (py + 0.5) * k) - grow) / k;
        const coverage = d <= -0.5 ? 1 : d >= 0.5 ? 0 : 0.5 - d;
        if (coverage === 0) continue;
        const i = py * this.size + px;
        if (mode === 'add') {
          if (coverage > this.data[i]) this.data[i] = coverage;
        } else {
          this.data[i] = Math.min(this.data[i], 1 - coverage);
        }
      }
    }
  }
}

/**
 * Where copper already is, on a coarse grid that extends beyond the view (traces enter from outside),
 * so the layout generator can keep the clearance a real board has between conductors.
 */
export class Occupancy {
  static readonly MARGIN = 24;
  static readonly CELL = 1.5;
  private readonly cells: Uint8Array;
  private readonly side: number;

  constructor() {
    this.side = Math.ceil((VIEW + 2 * Occupancy.MARGIN) / Occupancy.CELL);
    this.cells = new Uint8Array(this.side * this.side);
  }

  private visit(shape: Shape, grow: number, action: (index: number) => boolean): boolean {
    const m = Occupancy.MARGIN;
    const c = Occupancy.CELL;
    const b = bounds(shape, grow);
    const x0 = Math.max(0, Math.floor((b.x0 + m) / c));
    const y0 = Math.max(0, Math.floor((b.y0 + m) / c));
    const x1 = Math.min(this.side - 1, Math.ceil((b.x1 + m) / c));
    const y1 = Math.min(this.side - 1, Math.ceil((b.y1 + m) / c));
    for (let gy = y0; gy <= y1; gy++) {
      const [sx0, sx1] = rowSpan(shape, (gy + 0.5) * c - m, grow + c, b);
      const gx0 = Math.max(x0, Math.floor((sx0 + m) / c));
      const gx1 = Math.min(x1, Math.ceil((sx1 + m) / c));
      for (let gx = gx0; gx <= gx1; gx++) {
        if (distance(shape, (gx + 0.5) * c - m, (gy + 0.5) * c - m) > grow) continue;
        if (action(gy * this.side + gx)) return true;
      }
    }
    return false;
  }

  /** Whether any of the shapes, grown by `clearance`, touches copper already placed. */
  collides(shapes: readonly Shape[], clearance: number): boolean {
    return shapes.some((shape) => this.visit(shape, clearance, (i) => this.cells[i] === 1));
  }

  mark(shapes: readonly Shape[]): void {
    for (const shape of shapes) {
      this.visit(shape, 0, (i) => {
        this.cells[i] = 1;
        return false;
      });
    }
  }
}
