import type { ContinuoApi } from '../../../shared/ipc/api.ts';
import type { ModelSummary, ResultOf } from '../../../shared/ipc/index.ts';
import { errorText } from './early_events.ts';

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
      this.error = `Could not list the models: ${errorText(error)}`;
    } finally {
      this.loaded = true;
    }
  }

  /** Renames a model. */
  async rename(id: string, name: string): Promise<void> {
    try {
      await this.api.request('models.rename', { id, name });
      await this.refresh();
    } catch (error) {
      this.error = `Could not rename the model: ${errorText(error)}`;
    }
  }

  /** Copies a model under a new id (named "<name> copy"). */
  async duplicate(id: string): Promise<void> {
    await this.run('duplicate the model', async () => {
      const copy = await this.api.request('models.duplicate', { id });
      this.notice = `Duplicated as “${copy.name}”`;
    });
  }

  /** Exports a model as one `.continuo-model` file (save dialog in the desktop app). */
  async export(id: string): Promise<void> {
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
      this.error = `Could not ${what}: ${errorText(error)}`;
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** Deletes a model folder. */
  async remove(id: string): Promise<void> {
    try {
      await this.api.request('models.remove', { id });
      await this.refresh();
    } catch (error) {
      this.error = `Could not delete the model: ${errorText(error)}`;
    }
  }
}
