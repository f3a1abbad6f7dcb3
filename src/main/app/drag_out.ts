import { ipcMain, nativeImage, type NativeImage } from 'electron';
import { DRAG_OUT_CHANNEL, DragOutPayloadSchema } from '../../shared/ipc/index.ts';
import type { ProjectsService } from './projects_service.ts';

/** A 16x16 note glyph shown under the pointer while a `.mid` is dragged (startDrag needs an icon). */
const DRAG_ICON_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAKUlEQVR42mNgGBLAv+f/f2x4iBpAcRiMFAPQNZBkAK4oG1gD6B/qpAAAm7KzaAZoVTIAAAAASUVORK5CYII=';

let icon: NativeImage | undefined;

/**
 * Drag-out of a track or selection as a `.mid` onto a DAW or the desktop: the page's dragstart
 * sends the notes through the preload bridge; main writes the file and starts a native drag
 * from the sending window. Payloads that break the schema, or frames outside the app, are ignored.
 */
export function serveDragOut(projects: ProjectsService, isAppUrl: (url: string) => boolean): void {
  ipcMain.on(DRAG_OUT_CHANNEL, (event, payload: unknown) => {
    const frame = event.senderFrame;
    if (!frame || !isAppUrl(frame.url)) return;
    const parsed = DragOutPayloadSchema.safeParse(payload);
    if (!parsed.success) return;
    icon ??= nativeImage.createFromDataURL(`data:image/png;base64,${DRAG_ICON_PNG}`);
    void projects
      .dragFile(parsed.data)
      .then((file) => event.sender.startDrag({ file, icon: icon ?? nativeImage.createEmpty() }))
      .catch(() => undefined);
  });
}
