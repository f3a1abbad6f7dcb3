import { isBlackKey, pitchName, pitchToY, visiblePitches, type RollViewport } from '../viewport.ts';
import { ROLL_THEME } from './theme.ts';

/**
 * The keyboard beside the roll, one key per row so keys line up with notes: white keys full
 * width, black keys shorter and dark, C of each octave named, the lit key highlighted.
 */
export function drawKeyboard(
  ctx: CanvasRenderingContext2D,
  view: RollViewport,
  width: number,
  litPitch: number | undefined,
  hoverPitch?: number,
): void {
  ctx.fillStyle = ROLL_THEME.keyWhite;
  ctx.fillRect(0, 0, width, view.height);
  const { low, high } = visiblePitches(view);
  const black = new Path2D();
  const lines = new Path2D();
  for (let pitch = low; pitch <= high; pitch++) {
    const y = pitchToY(view, pitch);
    if (isBlackKey(pitch)) black.rect(0, y, width * 0.62, view.rowHeight);
    // A line under each B and E, where two white keys meet.
    const pc = pitch % 12;
    if (pc === 0 || pc === 5) {
      const bottom = Math.round(y + view.rowHeight) + 0.5;
      lines.moveTo(0, bottom);
      lines.lineTo(width, bottom);
    }
  }
  ctx.strokeStyle = '#b9bdc7';
  ctx.lineWidth = 1;
  ctx.stroke(lines);
  ctx.fillStyle = ROLL_THEME.keyBlack;
  ctx.fill(black);
  if (hoverPitch !== undefined && hoverPitch !== litPitch && hoverPitch >= low && hoverPitch <= high) {
    ctx.fillStyle = 'rgba(143, 176, 255, 0.35)';
    ctx.fillRect(0, pitchToY(view, hoverPitch), width, view.rowHeight);
  }
  if (litPitch !== undefined && litPitch >= low && litPitch <= high) {
    ctx.fillStyle = ROLL_THEME.keyLit;
    ctx.fillRect(0, pitchToY(view, litPitch), isBlackKey(litPitch) ? width * 0.62 : width, view.rowHeight);
  }
  const fontSize = Math.max(8, Math.min(11, view.rowHeight - 1));
  ctx.font = `${fontSize}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  for (let pitch = low; pitch <= high; pitch++) {
    const every = view.rowHeight >= 13 ? !isBlackKey(pitch) : pitch % 12 === 0;
    if (!every) continue;
    ctx.fillStyle = pitch % 12 === 0 ? '#2a2e38' : ROLL_THEME.keyText;
    ctx.fillText(pitchName(pitch), width - 4, pitchToY(view, pitch) + view.rowHeight / 2 + 0.5);
  }
  ctx.textAlign = 'left';
  ctx.fillStyle = ROLL_THEME.barLine;
  ctx.fillRect(width - 1, 0, 1, view.height);
}
