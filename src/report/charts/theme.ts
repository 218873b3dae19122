// One look for every figure: a paper's plain style, DejaVu Sans (installed by scripts/setup.sh, so the
// SVG and the PNG rasterised from it measure text the same), and one colour and shape per model.
import type { Config } from 'vega-lite';

const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** Colour-blind-safe (Okabe–Ito), distinct in grey print thanks to the shapes below. */
const MODEL_COLOURS = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#E69F00',
  '#56B4E9',
  '#000000',
  '#F0E442',
];
const MODEL_SHAPES = [
  'circle',
  'square',
  'triangle-up',
  'diamond',
  'triangle-down',
  'cross',
  'triangle-right',
  'wedge',
];

export interface ModelPalette {
  domain: string[];
  colours: string[];
  shapes: string[];
}

/** Colours and shapes for the experiment's models, in display order, repeating past eight models. */
export function modelPalette(labels: readonly string[]): ModelPalette {
  return {
    domain: [...labels],
    colours: labels.map((_, index) => MODEL_COLOURS[index % MODEL_COLOURS.length] as string),
    shapes: labels.map((_, index) => MODEL_SHAPES[index % MODEL_SHAPES.length] as string),
  };
}

export const CHART_CONFIG: Config = {
  font: FONT,
  background: 'white',
  padding: 12,
  view: { stroke: '#444444', strokeWidth: 1 },
  title: {
    fontSize: 15,
    fontWeight: 'bold',
    anchor: 'start',
    subtitleFontSize: 12,
    subtitleColor: '#555555',
    offset: 10,
  },
  axis: {
    labelFontSize: 12,
    titleFontSize: 13,
    titleFontWeight: 'normal',
    gridColor: '#e6e6e6',
    domainColor: '#444444',
    tickColor: '#444444',
    labelColor: '#222222',
    titleColor: '#222222',
  },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'bold', symbolSize: 110, labelLimit: 260 },
  line: { strokeWidth: 2 },
};

export const WIDTH = 440;
export const HEIGHT = 300;
