// A default a user can see in --help must also be a value they can type: `train --seed 0` was
// refused ("must be a whole number ≥ 1") while 0 was the default seed. Checked for every option of
// every command, so a parser and its default cannot drift apart again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';

function* commands(root: Command): Generator<Command> {
  yield root;
  for (const sub of root.commands) yield* commands(sub);
}

test('every option with a parser accepts its own default when typed', () => {
  let checked = 0;
  for (const command of commands(buildProgram())) {
    for (const option of command.options) {
      const value: unknown = option.defaultValue;
      const parse = option.parseArg;
      if (parse === undefined || (typeof value !== 'number' && typeof value !== 'string')) continue;
      const typed = String(value);
      assert.doesNotThrow(
        () => parse(typed, undefined),
        `${command.name()} ${option.flags}: its default ${typed} is refused by its own parser`,
      );
      checked += 1;
    }
  }
  // train --seed, --input, --epochs, --batch and the others: a test that checked nothing would pass.
  assert.ok(checked >= 20, `only ${checked} options with a parser and a default were found`);
});
