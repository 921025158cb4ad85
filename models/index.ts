/**
 * Registry of the shipped sequential models, by the name used with `--model`.
 */
import type { AnyModel } from './model';
import { casRegisterModel } from './cas-register';
import { kvModel, kvUnpartitionedModel } from './kv';
import { queueModel } from './queue';
import { registerModel } from './register';
import { setModel } from './set';
import { casRegisterXStateModel } from './xstate/cas-register';

export * from './model';
export { casRegisterModel, kvModel, kvUnpartitionedModel, queueModel, registerModel, setModel, casRegisterXStateModel };

const MODELS: readonly AnyModel[] = [registerModel, casRegisterModel, casRegisterXStateModel, kvModel, kvUnpartitionedModel, queueModel, setModel];

/** Names accepted by {@link modelByName}. */
export const MODEL_NAMES: readonly string[] = MODELS.map((m) => m.name);

/**
 * Returns the model registered under `name`.
 *
 * @throws Error listing the known names when `name` is not one of them.
 */
export function modelByName(name: string): AnyModel {
  const model = MODELS.find((m) => m.name === name);
  if (model === undefined) throw new Error(`unknown model '${name}'; choose one of ${MODEL_NAMES.join(', ')}`);
  return model;
}

/** Returns every shipped model. */
export function allModels(): readonly AnyModel[] {
  return MODELS;
}
