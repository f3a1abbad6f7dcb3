import { expect, type Locator, type Page } from '@playwright/test';

/** The studio's sections, as named in its sidebar. */
export type SectionName = 'Compose' | 'Library' | 'Train' | 'Generate';

/** Opens a section from the sidebar and waits for its heading. */
export async function section(page: Page, name: SectionName): Promise<void> {
  await page.getByRole('navigation', { name: 'Studio sections' }).getByRole('button', { name }).click();
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(name);
}

/** Collects page errors (and console errors unless `consoleErrors` is false) for a final check. */
export function collectErrors(page: Page, consoleErrors = true): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  if (consoleErrors) {
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
  }
  return errors;
}

const answeringDialogs = new WeakSet<Page>();

/**
 * Loads the studio and waits until its engine runs. Every spec file shares one web host, and a
 * page closed with unsaved edits leaves an autosave behind, so later pages open with the
 * "Unsaved work was found" prompt above the transport: it is put off ("Later") unless the test
 * is about recovery (`keepRecoveryPrompt`).
 */
export async function openStudio(
  page: Page,
  url: string,
  { keepRecoveryPrompt = false }: { keepRecoveryPrompt?: boolean } = {},
): Promise<void> {
  // A project with unsaved changes asks before the page unloads. A reload or navigation that a
  // test makes is the musician choosing "Leave"; other dialogs are dismissed, as Playwright does
  // by default when no listener is set.
  if (!answeringDialogs.has(page)) {
    answeringDialogs.add(page);
    page.on(
      'dialog',
      (dialog) => void (dialog.type() === 'beforeunload' ? dialog.accept() : dialog.dismiss()),
    );
  }
  await page.goto(url);
  // A fresh host's engine (a spec's second host) can take well over 5 s to start on a loaded machine.
  await expect(page.getByTestId('engine-status')).toHaveText(/Engine running/, { timeout: 60_000 });
  if (keepRecoveryPrompt) return;
  // The host's answer about autosaves comes at start-up, normally before the engine is up.
  const prompt = page.getByTestId('recovery-prompt');
  const shown = await prompt.waitFor({ state: 'visible', timeout: 1500 }).then(
    () => true,
    () => false,
  );
  if (shown) {
    await prompt.getByRole('button', { name: 'Later' }).click();
    await expect(prompt).toHaveCount(0);
  }
}

/**
 * The datasets listed once the Library has loaded. The web host is shared by every spec file, so
 * other tests' datasets may be there: compare with what was there before.
 */
export async function libraryDatasets(page: Page): Promise<string[]> {
  await expect(page.getByText('Loading datasets…')).toHaveCount(0);
  return page.getByRole('list', { name: 'Datasets' }).locator(':scope > li .name').allTextContents();
}

/** Checks that the Library lists exactly `names` again (the empty state when there are none). */
export async function expectLibraryDatasets(page: Page, names: string[]): Promise<void> {
  await expect.poll(() => libraryDatasets(page)).toEqual(names);
  if (names.length === 0) await expect(page.getByRole('main')).toContainText('No music yet');
}

/** The models listed once the Library has loaded (other specs' models may be there). */
export async function libraryModelCount(page: Page): Promise<number> {
  await expect(
    page.getByRole('list', { name: 'Models' }).or(page.getByRole('region', { name: 'Models (empty)' })),
  ).toBeVisible();
  return page.getByRole('list', { name: 'Models' }).locator(':scope > li').count();
}

/**
 * Empties the Library (every dataset and every deletable model) for a test that counts from
 * nothing: the web host is shared by every spec file, and another spec, or one that failed
 * half-way, may have left its music or models behind.
 */
export async function clearLibrary(page: Page): Promise<void> {
  await section(page, 'Library');
  await libraryDatasets(page);
  const remove = page.getByRole('list', { name: 'Datasets' }).getByRole('button', { name: /^Remove / });
  for (let left = await remove.count(); left > 0; left--) {
    await remove.first().click();
    await expect(remove).toHaveCount(left - 1);
  }
  await libraryModelCount(page);
  const del = page
    .getByRole('list', { name: 'Models' })
    .getByRole('button', { name: /^Delete /, disabled: false });
  for (let left = await del.count(); left > 0; left--) {
    await del.first().click();
    await expect(del).toHaveCount(left - 1);
  }
}

/** Imports a file or folder from the Library as a named ABC dataset and waits until it is in. */
export async function importAbcDataset(page: Page, path: string, name: string): Promise<void> {
  // The studio opens on Compose; importing happens in the Library.
  await section(page, 'Library');
  await page.getByLabel('Files or folders to import').fill(path);
  await page.getByLabel('Codec').selectOption('abc');
  await page.getByRole('textbox', { name: /^Name/ }).fill(name);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: `Imported “${name}”` })).toBeVisible({
    timeout: 90_000,
  });
}

/** What the New-model form is filled with. */
export interface NewModel {
  /** The dataset's label in the form, e.g. `Jigs (abc)`; the form's choice when absent. */
  dataset?: string;
  name: string;
  preset: 'Sketch' | 'Standard' | 'Large';
  epochs: number;
  stepsPerEpoch: number;
}

/** Opens Train and fills the New-model form; returns the form so the test can check and start it. */
export async function fillNewModel(page: Page, model: NewModel): Promise<Locator> {
  await section(page, 'Train');
  const form = page.getByRole('form', { name: 'New model' });
  if (model.dataset) await form.getByLabel('Dataset').selectOption({ label: model.dataset });
  await form.getByLabel('Model name').fill(model.name);
  await form.getByRole('radio', { name: new RegExp(model.preset) }).check();
  await form.getByLabel('Epochs').fill(String(model.epochs));
  await form.getByLabel('Steps per epoch').fill(String(model.stepsPerEpoch));
  return form;
}

/** Starts training from a filled New-model form and waits until it finishes. */
export async function trainToEnd(page: Page, form: Locator, timeout = 120_000): Promise<void> {
  await form.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Training finished' })).toBeVisible({ timeout });
}
