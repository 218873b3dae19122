// Module: named parameters, buffers and children, train/eval mode and state dicts — the shape of
// torch.nn.Module, so that state-dict names are stable and open in PyTorch.
import { Tensor, keep, noGrad } from '../engine/index.js';
import { UserInputError } from '../util/errors.js';

/** Tensors that do not fit a module: names missing or unexpected, or a shape that differs. */
export class StateDictError extends UserInputError {
  override name = 'StateDictError';
}

export interface ParameterCounts {
  /** Parameters the optimizer updates. */
  trainable: number;
  /** Keras' convention: frozen parameters plus BatchNorm moving mean and variance. */
  nonTrainable: number;
  /** trainable + nonTrainable: the number Keras' model.summary() prints as "Total params". */
  total: number;
  /** PyTorch's convention: every parameter (trainable or frozen), without buffers. */
  parametersOnly: number;
}

export abstract class Module {
  training = true;
  readonly #parameters = new Map<string, Tensor>();
  readonly #buffers = new Map<string, Tensor>();
  readonly #children = new Map<string, Module>();

  abstract forward(x: Tensor): Tensor;

  /** Registers a trainable tensor; it is kept out of tidy() scopes and tracked by autograd. */
  protected parameter(name: string, value: Tensor): Tensor {
    const p = keep(value);
    if (!p.requiresGrad) p.requiresGrad_(true);
    this.#parameters.set(name, p);
    return p;
  }

  /** Registers state that is saved but not trained (e.g. BatchNorm's running statistics). */
  protected buffer(name: string, value: Tensor): Tensor {
    const b = keep(value);
    this.#buffers.set(name, b);
    return b;
  }

  protected child<M extends Module>(name: string, module: M): M {
    this.#children.set(name, module);
    return module;
  }

  /** Takes a child out and disposes its tensors. */
  protected removeChild(module: Module): void {
    const name = [...this.#children].find(([, child]) => child === module)?.[0];
    if (name === undefined) throw new Error('internal error: removing a module that is not a child');
    this.#children.delete(name);
    module.dispose();
  }

  children(): [string, Module][] {
    return [...this.#children];
  }

  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, module] of this.#children) out.push(...module.namedModules(join(prefix, name)));
    return out;
  }

  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, p] of this.#parameters) out.push([join(prefix, name), p]);
    for (const [name, module] of this.#children) out.push(...module.namedParameters(join(prefix, name)));
    return out;
  }

  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, b] of this.#buffers) out.push([join(prefix, name), b]);
    for (const [name, module] of this.#children) out.push(...module.namedBuffers(join(prefix, name)));
    return out;
  }

  /** Parameters the optimizer should update (frozen ones excluded). */
  trainableParameters(): [string, Tensor][] {
    return this.namedParameters().filter(([, p]) => p.requiresGrad);
  }

  train(mode = true): this {
    for (const [, module] of this.namedModules()) module.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Stops (or resumes) gradient updates of every parameter in this module and its children. */
  setTrainable(trainable: boolean): this {
    for (const [, p] of this.namedParameters()) p.requiresGrad_(trainable);
    return this;
  }

  countParameters(): ParameterCounts {
    let trainable = 0;
    let frozen = 0;
    for (const [, p] of this.namedParameters()) {
      if (p.requiresGrad) trainable += p.numel;
      else frozen += p.numel;
    }
    const buffers = this.namedBuffers().reduce((sum, [, b]) => sum + b.numel, 0);
    return {
      trainable,
      nonTrainable: frozen + buffers,
      total: trainable + frozen + buffers,
      parametersOnly: trainable + frozen,
    };
  }

  /** Every parameter and buffer by its dotted name (the tensors themselves, not copies). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /**
   * Copies values into this module's tensors. strict: every name must match both ways; otherwise the
   * names present in both are loaded and the rest reported.
   */
  loadStateDict(
    state: Record<string, Tensor>,
    { strict = true } = {},
  ): { missing: string[]; unexpected: string[] } {
    const own = this.stateDict();
    const missing = Object.keys(own).filter((name) => !Object.hasOwn(state, name));
    const unexpected = Object.keys(state).filter((name) => !Object.hasOwn(own, name));
    if (strict && (missing.length > 0 || unexpected.length > 0)) {
      throw new StateDictError(
        `state dict does not match the model: missing ${preview(missing)}, unexpected ${preview(unexpected)}`,
      );
    }
    noGrad(() => {
      for (const [name, target] of Object.entries(own)) {
        if (!Object.hasOwn(state, name)) continue;
        const source = state[name];
        const [a, b] = [target.shape, source.shape];
        if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
          throw new StateDictError(
            `state dict entry ${name} has shape [${b.join(', ')}] but the model expects [${a.join(', ')}]`,
          );
        }
        target.copy_(source);
      }
    });
    return { missing, unexpected };
  }

  dispose(): void {
    for (const [, t] of [...this.namedParameters(), ...this.namedBuffers()]) t.dispose();
  }
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

function preview(names: string[]): string {
  if (names.length === 0) return 'none';
  return names.length <= 5
    ? names.join(', ')
    : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
}

/** Children applied one after another. */
export class Sequential extends Module {
  readonly layers: Module[];

  constructor(layers: [string, Module][] | Module[]) {
    super();
    this.layers = layers.map((entry, i) => {
      const [name, module] = Array.isArray(entry) ? entry : [String(i), entry];
      return this.child(name, module);
    });
  }

  /** Takes `layer` out of the sequence (e.g. a BatchNorm folded into the layer before it) and disposes it. */
  remove(layer: Module): void {
    this.removeChild(layer);
    this.layers.splice(this.layers.indexOf(layer), 1);
  }

  forward(x: Tensor): Tensor {
    let h = x;
    for (const layer of this.layers) {
      const next = layer.forward(h);
      if (next !== h) releaseIntermediate(h, x);
      h = next;
    }
    return h;
  }
}

/**
 * Drops our handle on an intermediate activation as soon as the next layer has consumed it, unless it
 * is the caller's input. Autograd keeps its own reference to whatever backward needs, so this frees
 * only what nothing needs any more — the way Python's reference counting does for PyTorch — instead of
 * holding every forward output until the step's tidy() scope ends.
 */
export function releaseIntermediate(t: Tensor, input: Tensor): void {
  if (t !== input) t.dispose();
}
