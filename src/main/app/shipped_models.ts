import path from 'node:path';

/**
 * Where the models shipped with the app are: `$CONTINUO_SHIPPED_MODELS` when set ("none" for
 * none, e.g. tests that start from an empty Library), else resources/models beside the packaged
 * app (`process.resourcesPath/models`) or in the source tree (development and the web host).
 */
export function shippedModelsDir(where: {
  env: NodeJS.ProcessEnv;
  /** The packaged app's resources folder; undefined when running from the source tree. */
  resourcesPath?: string;
  /** The source tree's root (where package.json is). */
  repoRoot: string;
}): string | undefined {
  const override = where.env['CONTINUO_SHIPPED_MODELS'];
  if (override === 'none') return undefined;
  if (override) return path.resolve(override);
  return where.resourcesPath
    ? path.join(where.resourcesPath, 'models')
    : path.join(where.repoRoot, 'resources', 'models');
}
