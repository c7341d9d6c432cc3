import type { DemoProduct } from './catalog-data.js';

/**
 * Product pictures drawn for the demo (no stock photos to ship): an SVG illustration of the
 * item in its colour on a soft background, rendered to an image by the media pipeline.
 */
const SHAPES: Record<DemoProduct['art']['kind'], (fill: string) => string> = {
  tea: (fill) => `
    <ellipse cx="400" cy="560" rx="230" ry="40" fill="#0000001a"/>
    <path d="M210 330 h380 v120 a190 150 0 0 1 -380 0 z" fill="#fbfaf7" stroke="#d8d2c4" stroke-width="6"/>
    <ellipse cx="400" cy="330" rx="190" ry="38" fill="${fill}"/>
    <path d="M590 360 q90 10 70 90 q-20 60 -90 50" fill="none" stroke="#d8d2c4" stroke-width="22"/>
    <path d="M330 250 q-40 -60 0 -120 M410 250 q-40 -60 0 -120 M490 250 q-40 -60 0 -120" stroke="#ffffffaa" stroke-width="10" fill="none" stroke-linecap="round"/>
    <path d="M560 170 q80 -40 120 30 q-70 40 -120 -30 z" fill="#6f9a4d"/>`,
  ware: (fill) => `
    <ellipse cx="400" cy="580" rx="250" ry="42" fill="#0000001a"/>
    <ellipse cx="400" cy="540" rx="230" ry="36" fill="${fill}" stroke="#00000022" stroke-width="4"/>
    <path d="M250 360 q0 170 150 170 q150 0 150 -170 z" fill="${fill}" stroke="#00000022" stroke-width="4"/>
    <ellipse cx="400" cy="360" rx="150" ry="30" fill="#ffffff66"/>
    <path d="M280 330 q120 -90 240 0 z" fill="${fill}" stroke="#00000022" stroke-width="4"/>
    <circle cx="400" cy="275" r="22" fill="${fill}" stroke="#00000022" stroke-width="4"/>`,
  shirt: (fill) => `
    <path d="M300 150 l-170 90 l60 130 l70 -35 v330 h280 v-330 l70 35 l60 -130 l-170 -90 q-100 70 -200 0 z" fill="${fill}" stroke="#00000026" stroke-width="6" stroke-linejoin="round"/>
    <path d="M300 150 q100 70 200 0" fill="none" stroke="#00000033" stroke-width="6"/>`,
  knit: (fill) => `
    <path d="M290 150 l-160 100 l40 320 h90 v-270 l30 330 h220 l30 -330 v270 h90 l40 -320 l-160 -100 l-110 200 z" fill="${fill}" stroke="#00000026" stroke-width="6" stroke-linejoin="round"/>
    <path d="M400 350 v300" stroke="#00000033" stroke-width="5"/>
    <circle cx="420" cy="420" r="8" fill="#00000055"/><circle cx="420" cy="500" r="8" fill="#00000055"/><circle cx="420" cy="580" r="8" fill="#00000055"/>`,
  pants: (fill) => `
    <path d="M270 130 h260 l30 560 h-120 l-40 -420 l-40 420 h-120 z" fill="${fill}" stroke="#00000026" stroke-width="6" stroke-linejoin="round"/>
    <path d="M270 170 h260" stroke="#00000040" stroke-width="6"/>`,
  coat: (fill) => `
    <path d="M310 130 q90 -60 180 0 l170 110 l-40 420 h-90 v-300 l-20 320 h-220 l-20 -320 v300 h-90 l-40 -420 z" fill="${fill}" stroke="#00000026" stroke-width="6" stroke-linejoin="round"/>
    <path d="M400 150 v520" stroke="#00000040" stroke-width="5"/>`,
  tote: (fill) => `
    <path d="M320 260 q0 -140 80 -140 q80 0 80 140" fill="none" stroke="#8d7a5a" stroke-width="18"/>
    <path d="M220 260 h360 l-30 400 h-300 z" fill="${fill}" stroke="#00000026" stroke-width="6" stroke-linejoin="round"/>`,
};

export function productSvg(p: DemoProduct, fill = p.art.hue, label = ''): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800" viewBox="0 0 800 800">
  <defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#fbf7f0"/><stop offset="1" stop-color="#efe6d8"/></linearGradient></defs>
  <rect width="800" height="800" fill="url(#bg)"/>
  <circle cx="640" cy="140" r="90" fill="${p.art.hue}22"/>
  ${SHAPES[p.art.kind](fill)}
  <text x="40" y="760" font-family="sans-serif" font-size="26" fill="#00000055">${label}</text>
</svg>`;
}
