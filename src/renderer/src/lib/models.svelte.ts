import type { ContinuoApi } from '../../../shared/ipc/api.ts';
import type { ModelId, ModelSummary, ResultOf } from '../../../shared/ipc/index.ts';
import { errorText } from './early_events.ts';

/** What to do when an action fails, by action. */
const NEXT_STEP: Record<string, string> = {
  'duplicate the model': 'Wait for its training to end, then try again.',
  'export the model': 'Choose another place to save it, or wait for its training to end.',
  'import the model': 'Choose a .continuo-model file exported from Continuo.',
  'restore the model': 'It can no longer be brought back; train or import it again.',
};

/** The trained models, shared by the Library (list, rename, delete) and Generate (pick one). */
export class ModelsModel {
  models = $state<ModelSummary[]>([]);
  loaded = $state(false);
  error = $state<string | undefined>(undefined);
  /** The last one-file export, by model id (its path and, on the web host, a download URL). */
  exported = $state<Record<string, ResultOf<'models.export'>>>({});
  /** A line saying what the last duplicate / import did. */
  notice = $state<string | undefined>(undefined);
  /** True while an export or import runs. */
  busy = $state(false);
  /** The model deleted last, which Undo can bring back. */
  removed = $state<{ id: ModelId; name: string } | undefined>(undefined);

  constructor(private readonly api: ContinuoApi) {
    // A new epoch is a new checkpoint, and a finished run changes the list.
    let epochs = -1;
    api.on('training.progress', (progress) => {
      if (progress.history.length !== epochs) {
        epochs = progress.history.length;
        void this.refresh();
      }
    });
    api.on('training.finished', () => void this.refresh());
  }

  /** Reloads the list. */
  async refresh(): Promise<void> {
    try {
      this.models = (await this.api.request('models.list')).models;
      this.error = undefined;
    } catch (error) {
      this.error = `Could not list the models: ${errorText(error)}. Check the status bar for the host, then reload.`;
    } finally {
      this.loaded = true;
    }
  }

  /** Renames a model. */
  async rename(id: ModelId, name: string): Promise<void> {
    try {
      await this.api.request('models.rename', { id, name });
      await this.refresh();
    } catch (error) {
      this.error = `Could not rename the model: ${errorText(error)}. Try another name, or wait for its training to end.`;
    }
  }

  /** Copies a model under a new id (named "<name> copy"). */
  async duplicate(id: ModelId): Promise<void> {
    await this.run('duplicate the model', async () => {
      const copy = await this.api.request('models.duplicate', { id });
      this.notice = `Duplicated as “${copy.name}”`;
    });
  }

  /** Exports a model as one `.continuo-model` file (save dialog in the desktop app). */
  async export(id: ModelId): Promise<void> {
    await this.run('export the model', async () => {
      const result = await this.api.request('models.export', { id });
      this.exported = { ...this.exported, [id]: result };
    });
  }

  /** Imports a `.continuo-model` file (the open dialog picks it when `path` is absent). */
  async import(path?: string): Promise<boolean> {
    return this.run('import the model', async () => {
      const model = await this.api.request('models.import', path ? { path } : {});
      this.notice = `Imported “${model.name}”`;
    });
  }

  private async run(what: string, action: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.notice = undefined;
    try {
      await action();
      this.error = undefined;
      await this.refresh();
      return true;
    } catch (error) {
      this.error = `Could not ${what}: ${errorText(error)}. ${NEXT_STEP[what] ?? 'Try again.'}`;
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** Deletes a model; until the next delete it can be brought back with `undoRemove`. */
  async remove(id: ModelId): Promise<void> {
    const name = this.models.find((model) => model.id === id)?.name ?? 'the model';
    try {
      await this.api.request('models.remove', { id });
      this.notice = undefined;
      this.removed = { id, name };
      await this.refresh();
    } catch (error) {
      this.error = `Could not delete ${name}: ${errorText(error)}. Stop its training first, or reload and try again.`;
    }
  }

  /** Brings the model deleted last back. */
  async undoRemove(): Promise<void> {
    const removed = this.removed;
    if (!removed) return;
    this.removed = undefined;
    await this.run('restore the model', async () => {
      await this.api.request('models.restore', { id: removed.id });
      this.notice = `Restored “${removed.name}”`;
    });
  }
}
