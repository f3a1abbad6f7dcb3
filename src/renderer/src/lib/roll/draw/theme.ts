/** The roll's colours, in one place (they follow app.css's dark surfaces). */
export const ROLL_THEME = {
  background: '#1b1e25',
  blackKeyRow: '#16181e',
  octaveLine: '#323846',
  rowLine: '#20232b',
  barLine: '#4a5163',
  beatLine: '#2e333f',
  subLine: '#242831',
  seedShade: 'rgba(138, 155, 180, 0.13)',
  seedEdge: 'rgba(168, 185, 210, 0.55)',
  loopShade: 'rgba(95, 200, 143, 0.07)',
  loop: '#5fc88f',
  playhead: '#ff6b5b',
  selectionStroke: '#ffffff',
  rubberFill: 'rgba(143, 176, 255, 0.12)',
  rubberStroke: 'rgba(143, 176, 255, 0.9)',
  rulerBackground: '#20242c',
  rulerText: '#aeb5c4',
  rulerTick: '#5a6172',
  keyWhite: '#e9ebef',
  keyBlack: '#252830',
  keyLit: '#8fb0ff',
  keyText: '#5a6070',
  laneBackground: '#181a20',
  laneLine: '#262a33',
  noteText: 'rgba(10, 12, 16, 0.75)',
} as const;

/** A CSS hex colour mixed toward white by `amount` (0..1). */
export function lighten(hex: string, amount: number): string {
  const value = Number.parseInt(hex.replace('#', ''), 16);
  if (Number.isNaN(value) || hex.length !== 7) return hex;
  const mix = (channel: number) => Math.round(channel + (255 - channel) * amount);
  const r = mix((value >> 16) & 255);
  const g = mix((value >> 8) & 255);
  const b = mix(value & 255);
  return `rgb(${r}, ${g}, ${b})`;
}

/** A CSS hex colour darkened by `amount` (0..1). */
export function darken(hex: string, amount: number): string {
  const value = Number.parseInt(hex.replace('#', ''), 16);
  if (Number.isNaN(value) || hex.length !== 7) return hex;
  const mix = (channel: number) => Math.round(channel * (1 - amount));
  return `rgb(${mix((value >> 16) & 255)}, ${mix((value >> 8) & 255)}, ${mix(value & 255)})`;
}
