// The six defect types of the PCB defect dataset (Huang & Wei, 2019), each a small local change to a
// clean layout, placed in the central zone: it adds copper, removes copper, or leaves a pad undrilled.
import type { Rng } from '../prng.js';
import {
  add,
  box,
  capsule,
  circle,
  normal,
  scale,
  sub,
  normalize,
  length,
  type Point,
  type Shape,
} from './geometry.js';
import { CENTRAL_ZONE, inCentralZone, type BoardLayout, type Trace } from './layout.js';

export const DEFECT_TYPES = [
  'missing_hole',
  'mouse_bite',
  'open_circuit',
  'short',
  'spur',
  'spurious_copper',
] as const;
export type DefectType = (typeof DEFECT_TYPES)[number];

export interface DefectEdit {
  type: DefectType;
  /** Where it is, in board units (for tests and for looking at the images). */
  at: Point;
  addCopper: Shape[];
  removeCopper: Shape[];
  /**
   * Where the solder mask is missing too, so that copper inside these shapes shows bare (the colour of
   * bare copper instead of copper under green mask): the stray copper itself, or the torn edges next to
   * removed copper. Empty when the defect stays under the mask.
   */
  exposed: Shape[];
  /** Index of the pad left undrilled (missing hole). */
  undrilledPad: number | null;
}

/** How often a copper defect also tears the solder mask open (the rest stay green under the mask). */
const EXPOSED_SHARE = 0.8;

/** How far the torn mask reaches around removed copper, in board units. */
const TORN_RIM = 1.6;

/** A point on a straight piece of a trace inside the central zone, with the piece's direction. */
interface TraceSite {
  trace: Trace;
  p: Point;
  dir: Point;
}

function traceSites(layout: BoardLayout, rng: Rng, filter: (t: Trace) => boolean = () => true): TraceSite[] {
  const sites: TraceSite[] = [];
  for (const trace of layout.traces.filter(filter)) {
    for (let i = 0; i + 1 < trace.points.length; i++) {
      const a = trace.points[i];
      const b = trace.points[i + 1];
      const segment = sub(b, a);
      const len = length(segment);
      const dir = normalize(segment);
      // Several candidate points per piece, away from its ends (joints and pads).
      for (let k = 0; k < 6; k++) {
        const margin = Math.max(trace.width * 2.5, 9);
        const t = rng.uniform(margin, Math.max(margin, len - margin));
        const p = add(a, scale(dir, t));
        if (inCentralZone(p)) sites.push({ trace, p, dir });
      }
    }
  }
  return sites;
}

/** A shape grown by `d` units on every side. */
function grown(shape: Shape, d: number): Shape {
  switch (shape.kind) {
    case 'circle':
      return circle(shape.c, shape.r + d);
    case 'capsule':
      return capsule(shape.a, shape.b, shape.r0 + d, shape.r1 + d);
    case 'box':
      return box(shape.c, shape.dir, shape.halfLength + d, shape.halfWidth + d);
  }
}

/**
 * Returns null when this layout offers no site for the type (the caller draws another layout).
 * Sizes are in board units: at 96 px a unit is 1.5 px, and most defects span 5–14 units.
 */
export function planDefect(type: DefectType, layout: BoardLayout, rng: Rng): DefectEdit | null {
  const w = layout.traceWidth;
  const edit: DefectEdit = {
    type,
    at: { x: 0, y: 0 },
    addCopper: [],
    removeCopper: [],
    exposed: [],
    undrilledPad: null,
  };
  // Drawn first and always, so the rest of the stream does not depend on it.
  const exposed = rng.bool(EXPOSED_SHARE);
  const expose = (shapes: Shape[]): void => {
    if (exposed) edit.exposed.push(...shapes);
  };
  switch (type) {
    case 'missing_hole': {
      const candidates = layout.pads
        .map((p, i) => ({ p, i }))
        .filter(({ p }) => p.drilled && inCentralZone(p.c));
      if (candidates.length === 0) return null;
      const { p, i } = rng.pick(candidates);
      edit.undrilledPad = i;
      edit.at = p.c;
      return edit;
    }
    case 'mouse_bite': {
      const sites = traceSites(layout, rng);
      if (sites.length === 0) return null;
      const { p, dir } = rng.pick(sites);
      const side = rng.bool() ? 1 : -1;
      const edge = add(p, scale(normal(dir), (side * w) / 2));
      // Two or three overlapping bites, each up to two thirds of the way into the trace.
      const bites = rng.int(2, 3);
      for (let i = 0; i < bites; i++) {
        const r = w * rng.uniform(0.4, 0.6);
        const c = add(
          add(edge, scale(dir, (i - (bites - 1) / 2) * w * 0.8)),
          scale(normal(dir), side * rng.uniform(-0.1, 0.25) * w),
        );
        edit.removeCopper.push(circle(c, r));
      }
      expose(edit.removeCopper.map((shape) => grown(shape, TORN_RIM)));
      edit.at = edge;
      return edit;
    }
    case 'open_circuit': {
      const sites = traceSites(layout, rng);
      if (sites.length === 0) return null;
      const { p, dir } = rng.pick(sites);
      // A clear gap across the whole trace, a little ragged: the box plus a tilted second cut.
      const gap = w * rng.uniform(0.5, 0.9);
      edit.removeCopper.push(box(p, dir, gap, w / 2 + 0.8));
      const tilt = rng.uniform(-0.5, 0.5);
      const tilted = normalize(add(dir, scale(normal(dir), tilt)));
      edit.removeCopper.push(
        box(add(p, scale(dir, rng.uniform(-0.3, 0.3) * gap)), tilted, gap * 0.8, w / 2 + 0.6),
      );
      expose(edit.removeCopper.map((shape) => grown(shape, TORN_RIM)));
      edit.at = p;
      return edit;
    }
    case 'short': {
      const multiLane = layout.traces.filter(
        (t) => layout.busLanes[t.bus] >= 2 && t.lane + 1 < layout.busLanes[t.bus],
      );
      const sites = traceSites(layout, rng, (t) => multiLane.includes(t));
      if (sites.length === 0) return null;
      const { trace, p, dir } = rng.pick(sites);
      const neighbour = layout.traces.find((t) => t.bus === trace.bus && t.lane === trace.lane + 1);
      if (!neighbour) return null;
      // Lanes are one pitch apart; which side the next lane is on follows from the shared knee points.
      const pitch = w + layout.clearance;
      const towards = sub(neighbour.points[1], trace.points[1]);
      const sign = Math.sign(towards.x * normal(dir).x + towards.y * normal(dir).y) || 1;
      const across = scale(normal(dir), sign * pitch);
      const slant = scale(dir, rng.uniform(-0.5, 0.5) * pitch);
      const r = w * rng.uniform(0.35, 0.55);
      const bridge = capsule(p, add(add(p, across), slant), r, r * rng.uniform(0.75, 1.3));
      edit.addCopper.push(bridge);
      expose([bridge]);
      edit.at = add(p, scale(add(across, slant), 0.5));
      return edit;
    }
    case 'spur': {
      // A tapered sliver out of a trace's edge, reaching well into the gap but short of any other
      // conductor (touching one would make it a short).
      const sites = rng.shuffle(traceSites(layout, rng));
      for (const { p, dir } of sites.slice(0, 24)) {
        const side = rng.bool() ? 1 : -1;
        const edge = add(p, scale(normal(dir), (side * w) / 2));
        const angle = rng.uniform(-0.6, 0.6);
        const out = normalize(add(scale(normal(dir), side), scale(dir, angle)));
        const reach = rng.uniform(5, 9);
        const base = w * rng.uniform(0.35, 0.5);
        const tip = add(edge, scale(out, reach));
        const outer = capsule(add(edge, scale(out, base + 1)), tip, base * 0.8, 0.6);
        if (layout.occupancy.collides([outer], 1.2)) continue;
        const spur = capsule(add(edge, scale(out, -w * 0.3)), tip, base, 0.6);
        edit.addCopper.push(spur);
        expose([spur]);
        edit.at = add(edge, scale(out, reach / 2));
        return edit;
      }
      return null;
    }
    case 'spurious_copper': {
      for (let attempt = 0; attempt < 60; attempt++) {
        const c = {
          x: rng.uniform(CENTRAL_ZONE.x0, CENTRAL_ZONE.x1),
          y: rng.uniform(CENTRAL_ZONE.y0, CENTRAL_ZONE.y1),
        };
        const blob: Shape[] = [];
        const parts = rng.int(2, 4);
        for (let i = 0; i < parts; i++) {
          blob.push(
            circle(add(c, { x: rng.uniform(-2.5, 2.5), y: rng.uniform(-2.5, 2.5) }), rng.uniform(1.8, 3.2)),
          );
        }
        if (layout.occupancy.collides(blob, Math.min(1.5, layout.clearance * 0.5))) continue;
        edit.addCopper.push(...blob);
        expose(blob);
        edit.at = c;
        return edit;
      }
      return null;
    }
  }
}

/**
 * The edit with every drawn shape `factor` times larger around the defect's position: a "bold"
 * variant of the set, for short demonstrations, where the defect is the most salient thing on the
 * board. The label stays right (a larger defect is still a defect), though a grown spur may reach a
 * neighbour. A missing hole has no shape of its own: its pad gets a bare copper land around it,
 * twice the pad's size at factor 4 (pads are already the largest features, so the land grows by a
 * third of the factor), so that it is about as visible as the others.
 */
export function enlargeDefect(edit: DefectEdit, factor: number, layout: BoardLayout): DefectEdit {
  if (factor === 1) return edit;
  if (edit.undrilledPad !== null) {
    const pad = layout.pads[edit.undrilledPad];
    const land = circle(pad.c, pad.r * (1 + (factor - 1) / 3));
    return { ...edit, addCopper: [...edit.addCopper, land], exposed: [...edit.exposed, land] };
  }
  const around = (p: Point): Point => add(edit.at, scale(sub(p, edit.at), factor));
  const grow = (shape: Shape): Shape => {
    switch (shape.kind) {
      case 'circle':
        return circle(around(shape.c), shape.r * factor);
      case 'capsule':
        return capsule(around(shape.a), around(shape.b), shape.r0 * factor, shape.r1 * factor);
      case 'box':
        return box(around(shape.c), shape.dir, shape.halfLength * factor, shape.halfWidth * factor);
    }
  };
  return {
    ...edit,
    addCopper: edit.addCopper.map(grow),
    removeCopper: edit.removeCopper.map(grow),
    exposed: edit.exposed.map(grow),
  };
}
