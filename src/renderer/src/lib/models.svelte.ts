import type { ContinuoApi } from '../../../shared/ipc/api.ts';
import type { ModelSummary } from '../../../shared/ipc/index.ts';
import { errorText } from './early_events.ts';

/** The trained models, shared by the Library (list, rename, delete) and Generate (pick one). */
export class ModelsModel {
  models = $state<ModelSummary[]>([]);
  loaded = $state(false);
  error = $state<string | undefined>(undefined);

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
